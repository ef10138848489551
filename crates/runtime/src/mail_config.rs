//! The e-mail part of the configuration: which transport sends (exactly
//! one), who the mails come from, and how the provider's delivery webhook
//! is authenticated.

use std::net::IpAddr;

use crate::config::{ConfigError, Secret};

pub const PLATFORM_NAME: &str = "HISTOLOGE_PLATFORM_NAME";
pub const BREVO_API_KEY: &str = "BREVO_API_KEY";
pub const BREVO_API_URL: &str = "BREVO_API_URL";
pub const SMTP_URL: &str = "SMTP_URL";
pub const MAIL_FROM: &str = "MAIL_FROM";
pub const MAIL_FROM_NAME: &str = "MAIL_FROM_NAME";
pub const MAIL_REPLY_TO: &str = "MAIL_REPLY_TO";
pub const BREVO_WEBHOOK_SECRET: &str = "BREVO_WEBHOOK_SECRET";
pub const BREVO_WEBHOOK_ALLOWED_IPS: &str = "BREVO_WEBHOOK_ALLOWED_IPS";

pub const DEFAULT_PLATFORM_NAME: &str = "Signal Logement";
pub const DEFAULT_BREVO_API_URL: &str = "https://api.brevo.com/v3";

/// The variables of this module, for `--help`.
pub const MAIL_VARIABLES: &[(&str, &str)] = &[
    (
        PLATFORM_NAME,
        "nom de la plateforme dans les pages et les e-mails (défaut Signal Logement)",
    ),
    (
        BREVO_API_KEY,
        "clé de l'API Brevo : les e-mails partent par Brevo (jamais affichée)",
    ),
    (
        BREVO_API_URL,
        "adresse de l'API Brevo (défaut https://api.brevo.com/v3)",
    ),
    (
        SMTP_URL,
        "relais SMTP : smtp://hôte:port (STARTTLS si proposé) ou smtps://, identifiants facultatifs",
    ),
    (
        MAIL_FROM,
        "adresse d'expédition des e-mails (défaut ne-pas-repondre@<hôte du site>)",
    ),
    (
        MAIL_FROM_NAME,
        "nom d'expéditeur (défaut : le nom de la plateforme)",
    ),
    (MAIL_REPLY_TO, "adresse de réponse, facultative"),
    (
        BREVO_WEBHOOK_SECRET,
        "secret du webhook Brevo (/webhook/brevo, en-tête Authorization: Bearer) ; sans lui le webhook n'existe pas",
    ),
    (
        BREVO_WEBHOOK_ALLOWED_IPS,
        "plages d'adresses (CIDR, séparées par des virgules) autorisées à appeler le webhook, facultatif",
    ),
];

/// Which transport sends the e-mails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailTransport {
    /// The embedded default: a local directory, read on `/bo/courriels`.
    Outbox,
    Brevo {
        api_key: Secret,
        api_url: String,
    },
    /// The URL may hold a password: never logged as is.
    Smtp {
        url: Secret,
    },
}

impl MailTransport {
    pub fn name(&self) -> &'static str {
        match self {
            MailTransport::Outbox => "outbox",
            MailTransport::Brevo { .. } => "brevo",
            MailTransport::Smtp { .. } => "smtp",
        }
    }
}

/// An address range of the webhook's allow-list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

impl IpRange {
    /// `1.179.112.0/20`, or a bare address (one host).
    pub fn parse(value: &str) -> Option<IpRange> {
        let value = value.trim();
        let (address, prefix) = match value.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().ok()?)),
            None => (value, None),
        };
        let network: IpAddr = address.parse().ok()?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(IpRange { network, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        fn bits(ip: IpAddr) -> (u128, u32) {
            match ip {
                IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
                IpAddr::V6(v6) => (u128::from(v6), 128),
            }
        }
        // An IPv4 client seen through an IPv6 socket (::ffff:a.b.c.d).
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        let ((net, width), (addr, addr_width)) = (bits(self.network), bits(ip));
        if width != addr_width {
            return false;
        }
        let shift = width - u32::from(self.prefix);
        shift >= width || (net >> shift) == (addr >> shift)
    }
}

/// How `POST /webhook/brevo` is authenticated: absent, the route is not
/// served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookConfig {
    pub secret: Secret,
    /// Empty: any peer holding the secret.
    pub allowed: Vec<IpRange>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailConfig {
    pub platform_name: String,
    pub transport: MailTransport,
    pub from_email: String,
    pub from_name: String,
    pub reply_to: Option<String>,
    pub webhook: Option<WebhookConfig>,
}

fn looks_like_address(value: &str) -> bool {
    let value = value.trim();
    value.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') || domain == "localhost"
    }) && !value.contains(char::is_whitespace)
}

impl MailConfig {
    /// Reads the e-mail variables through `get` (set and not blank, or
    /// `None`); `base_url` gives the default sender's domain.
    pub fn from_lookup(
        get: &dyn Fn(&'static str) -> Result<Option<String>, ConfigError>,
        base_url: &str,
    ) -> Result<MailConfig, ConfigError> {
        let platform_name = get(PLATFORM_NAME)?
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| DEFAULT_PLATFORM_NAME.to_string());
        let transport = match (get(BREVO_API_KEY)?, get(SMTP_URL)?) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::new(
                    SMTP_URL,
                    format!(
                        "un seul transport d'e-mails à la fois : {BREVO_API_KEY} ou {SMTP_URL}, pas les deux"
                    ),
                ));
            }
            (Some(key), None) => {
                let api_url = match get(BREVO_API_URL)? {
                    Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
                        url.trim().trim_end_matches('/').to_string()
                    }
                    Some(url) => {
                        return Err(ConfigError::new(
                            BREVO_API_URL,
                            format!("« {url} » doit commencer par https://"),
                        ));
                    }
                    None => DEFAULT_BREVO_API_URL.to_string(),
                };
                MailTransport::Brevo {
                    api_key: Secret::new(key.trim()),
                    api_url,
                }
            }
            (None, Some(url)) => {
                let url = url.trim();
                if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                    // Only the scheme is echoed: the rest may hold a password.
                    let scheme = url.split_once("://").map_or("?", |(s, _)| s);
                    return Err(ConfigError::new(
                        SMTP_URL,
                        format!(
                            "le schéma « {scheme} » n'est pas pris en charge (attendu : smtp://hôte:port ou smtps://hôte:port)"
                        ),
                    ));
                }
                MailTransport::Smtp {
                    url: Secret::new(url),
                }
            }
            (None, None) => MailTransport::Outbox,
        };
        let host = base_url
            .split_once("://")
            .map_or(base_url, |(_, rest)| rest)
            .split(['/', ':'])
            .next()
            .unwrap_or("localhost");
        let from_email = match get(MAIL_FROM)? {
            Some(v) if looks_like_address(&v) => v.trim().to_string(),
            Some(v) => {
                return Err(ConfigError::new(
                    MAIL_FROM,
                    format!("« {v} » n'est pas une adresse e-mail"),
                ));
            }
            None => format!("ne-pas-repondre@{host}"),
        };
        let reply_to = match get(MAIL_REPLY_TO)? {
            Some(v) if looks_like_address(&v) => Some(v.trim().to_string()),
            Some(v) => {
                return Err(ConfigError::new(
                    MAIL_REPLY_TO,
                    format!("« {v} » n'est pas une adresse e-mail"),
                ));
            }
            None => None,
        };
        let from_name = get(MAIL_FROM_NAME)?
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| platform_name.clone());
        let allowed = match get(BREVO_WEBHOOK_ALLOWED_IPS)? {
            Some(list) => list
                .split(',')
                .filter(|v| !v.trim().is_empty())
                .map(|v| {
                    IpRange::parse(v).ok_or_else(|| {
                        ConfigError::new(
                            BREVO_WEBHOOK_ALLOWED_IPS,
                            format!("« {} » n'est pas une adresse ni une plage CIDR (exemple : 1.179.112.0/20)", v.trim()),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => Vec::new(),
        };
        let webhook = match get(BREVO_WEBHOOK_SECRET)? {
            Some(secret) if secret.trim().len() >= 24 => Some(WebhookConfig {
                secret: Secret::new(secret.trim()),
                allowed,
            }),
            Some(_) => {
                return Err(ConfigError::new(
                    BREVO_WEBHOOK_SECRET,
                    "le secret doit compter au moins 24 caractères (par exemple : openssl rand -hex 24)",
                ));
            }
            None if !allowed.is_empty() => {
                return Err(ConfigError::new(
                    BREVO_WEBHOOK_ALLOWED_IPS,
                    format!(
                        "sans {BREVO_WEBHOOK_SECRET}, le webhook n'existe pas : définissez-le aussi"
                    ),
                ));
            }
            None => None,
        };
        Ok(MailConfig {
            platform_name,
            transport,
            from_email,
            from_name,
            reply_to,
            webhook,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<MailConfig, ConfigError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        MailConfig::from_lookup(
            &|name| Ok(vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())),
            "https://signal-logement.beta.gouv.fr",
        )
    }

    #[test]
    fn nothing_set_is_the_outbox_with_a_sender_of_the_site() {
        let config = read(&[]).expect("config");
        assert_eq!(config.transport, MailTransport::Outbox);
        assert_eq!(
            config.from_email,
            "ne-pas-repondre@signal-logement.beta.gouv.fr"
        );
        assert_eq!(config.from_name, "Signal Logement");
        assert_eq!(config.webhook, None);
    }

    #[test]
    fn one_transport_at_a_time() {
        let brevo =
            read(&[(BREVO_API_KEY, "xkeysib-123"), (PLATFORM_NAME, "Histologe")]).expect("brevo");
        assert_eq!(brevo.transport.name(), "brevo");
        assert_eq!(brevo.from_name, "Histologe");
        assert!(
            !format!("{brevo:?}").contains("xkeysib"),
            "the key never prints"
        );
        let smtp = read(&[(SMTP_URL, "smtp://user:motdepasse@127.0.0.1:1025")]).expect("smtp");
        assert_eq!(smtp.transport.name(), "smtp");
        assert!(!format!("{smtp:?}").contains("motdepasse"));
        let both = read(&[(BREVO_API_KEY, "k"), (SMTP_URL, "smtp://x:25")]).expect_err("both");
        assert_eq!(both.variable, SMTP_URL);
        let wrong = read(&[(SMTP_URL, "http://user:secret@x")]).expect_err("scheme");
        assert!(!wrong.message.contains("secret"), "{}", wrong.message);
        assert_eq!(
            read(&[(MAIL_FROM, "pas une adresse")])
                .expect_err("from")
                .variable,
            MAIL_FROM
        );
    }

    #[test]
    fn the_webhook_needs_a_long_secret_and_takes_ranges() {
        let config = read(&[
            (BREVO_WEBHOOK_SECRET, "0123456789abcdef0123456789"),
            (
                BREVO_WEBHOOK_ALLOWED_IPS,
                "1.179.112.0/20, 172.246.240.0/20,10.0.0.7",
            ),
        ])
        .expect("config");
        let webhook = config.webhook.expect("webhook");
        assert_eq!(webhook.allowed.len(), 3);
        let brevo = webhook.allowed[0];
        assert!(brevo.contains("1.179.127.255".parse().expect("ip")));
        assert!(!brevo.contains("1.179.128.0".parse().expect("ip")));
        assert!(brevo.contains("::ffff:1.179.112.9".parse().expect("ip")));
        assert!(webhook.allowed[2].contains("10.0.0.7".parse().expect("ip")));
        assert!(!webhook.allowed[2].contains("10.0.0.8".parse().expect("ip")));
        assert_eq!(
            read(&[(BREVO_WEBHOOK_SECRET, "court")])
                .expect_err("short")
                .variable,
            BREVO_WEBHOOK_SECRET
        );
        assert_eq!(
            read(&[
                (BREVO_WEBHOOK_SECRET, "0123456789abcdef0123456789"),
                (BREVO_WEBHOOK_ALLOWED_IPS, "1.2.3.4/40")
            ])
            .expect_err("range")
            .variable,
            BREVO_WEBHOOK_ALLOWED_IPS
        );
        assert!(read(&[(BREVO_WEBHOOK_ALLOWED_IPS, "1.2.3.4")]).is_err());
        assert!(
            IpRange::parse("0.0.0.0/0")
                .expect("all")
                .contains("8.8.8.8".parse().expect("ip"))
        );
    }
}
