//! `histologe-web serve` (the default): the web app, with the job worker
//! and the clock in the same process as design.md's embedded default
//! wants. Several such processes may run on one database: jobs are claimed
//! with `SKIP LOCKED`, and the clock's work is idempotent.

use std::sync::Arc;
use std::time::Duration;

use axum_extra::extract::cookie::Key;
use histologe_adapters_brevo::OutboxMailer;
use histologe_application::App;
use histologe_application::jobs::Runner;
use histologe_core::form::Form;
use tokio::net::TcpListener;

use crate::config::{Config, SECRET_KEY};
use crate::demo;
use crate::error::StartError;
use crate::web::{self, WebSettings, WebState};
use crate::wiring::{self, Stores, database_error};

/// Pause of the worker when no job is due.
const IDLE: Duration = Duration::from_secs(2);
/// How often the clock releases suivis whose edit window is over (and
/// looks whether the daily digest is due).
const CLOCK_TICK: Duration = Duration::from_secs(60);

pub async fn serve(config: &Config) -> Result<(), StartError> {
    let (store, app) = wiring::connect(config).await?;
    let embedded = config.database_url.expose().starts_with("sqlite:");
    let stores = Stores::of(Arc::new(store.clone()));
    // The embedded default shows something to try at once; a production
    // database never gets demo data by surprise.
    if embedded
        && demo::is_empty(&stores)
            .await
            .map_err(database_error(config))?
    {
        let summary = demo::load_demo_data(&app, &stores, demo_password(config)).await?;
        tracing::info!(signalements = summary.signalements, "demo data loaded");
    }
    if embedded {
        // A database loaded before accounts had passwords gets them now.
        let set = demo::set_demo_passwords(
            &app,
            &demo::role_account_emails(),
            demo_password(config),
            true,
        )
        .await?;
        if set > 0 {
            tracing::info!(accounts = set, "demo password given to the demo accounts");
        }
        print_demo_accounts(config, &stores).await?;
    }
    let cookie_key = match &config.secret_key {
        // At least 64 bytes: checked with the configuration.
        Some(secret) => Key::try_from(secret.expose().as_bytes())
            .map_err(|_| StartError::Outside(format!("{SECRET_KEY} : au moins 64 caractères")))?,
        None if embedded => {
            tracing::warn!(
                "{SECRET_KEY} unset: a key was drawn for this process; usagers are logged out at restart"
            );
            Key::generate()
        }
        None => {
            return Err(StartError::Outside(format!(
                "{SECRET_KEY} : obligatoire avec une base MySQL (toutes les instances web doivent partager la même clé ; par exemple : openssl rand -hex 32)"
            )));
        }
    };
    let mailer = Arc::new(OutboxMailer::new(&config.outbox_dir));
    spawn_worker(Runner {
        app: app.clone(),
        mailer,
        base_url: config.base_url.clone(),
    });
    spawn_clock(app.clone());

    let state = WebState {
        app,
        communes: Arc::new(store),
        form: Form::reference(),
        cookie_key,
        settings: Arc::new(WebSettings {
            platform_name: "Signal Logement".into(),
            base_url: config.base_url.clone(),
            secure_cookies: config.base_url.starts_with("https://"),
            assets_dir: config.assets_dir.clone(),
            upload_max_bytes: config.upload_max_bytes,
        }),
    };
    let listener = TcpListener::bind(config.listen).await.map_err(|e| {
        StartError::Refused(format!("impossible d'écouter sur {} : {e}", config.listen))
    })?;
    println!("Histologe écoute sur {}", config.base_url);
    axum::serve(
        listener,
        web::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
    .map_err(|e| StartError::Refused(format!("serveur arrêté : {e}")))
}

/// `DEMO_PASSWORD`, or the default one.
fn demo_password(config: &Config) -> &str {
    config
        .demo_password
        .as_ref()
        .map_or(demo::DEFAULT_DEMO_PASSWORD, |p| p.expose())
}

/// One line per demo account, as the README promises.
async fn print_demo_accounts(config: &Config, stores: &Stores) -> Result<(), StartError> {
    let password = demo_password(config);
    for account in demo::accounts(stores)
        .await
        .map_err(database_error(config))?
    {
        println!(
            "demo account: {} {} {password}",
            account.role.as_str(),
            account.email
        );
    }
    if config.email_2fa {
        // The demo's e-mails go to the outbox, the login code too; file
        // names sort by sending time, so the last match is the newest code.
        println!(
            "super admin: after the password, a login code is e-mailed (HISTOLOGE_2FA=off to skip it); read it with: grep -ho 'Votre code de connexion : [0-9]*' {}/*.json | tail -1",
            config.outbox_dir.display()
        );
    }
    Ok(())
}

fn spawn_worker(runner: Runner) {
    tokio::spawn(async move {
        loop {
            match runner.run_once().await {
                Ok(Some(outcome)) => tracing::debug!(?outcome, "job run"),
                Ok(None) => tokio::time::sleep(IDLE).await,
                Err(e) => {
                    tracing::error!(error = %e, "worker: job queue unavailable");
                    tokio::time::sleep(IDLE * 5).await;
                }
            }
        }
    });
}

fn spawn_clock(app: App) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(CLOCK_TICK);
        loop {
            tick.tick().await;
            if let Err(e) = app.release_held_suivis().await {
                tracing::error!(error = %e, "clock: releasing held suivis failed");
            }
            if let Err(e) = app.purge_account_tokens().await {
                tracing::error!(error = %e, "clock: purging account tokens failed");
            }
            // Every process queues the day's digest once its hour has
            // passed; its idempotency key makes them one job.
            if let Err(e) = app.enqueue_due_digest().await {
                tracing::error!(error = %e, "clock: queuing the daily digest failed");
            }
        }
    });
}

async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
    tracing::info!("shutting down");
}
