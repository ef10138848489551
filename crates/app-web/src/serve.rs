//! `histologe-web serve` (the default): the web app. On the embedded
//! SQLite file (or with `HISTOLOGE_INPROCESS_JOBS=on`) the same process
//! also runs the job worker and the clock, on the code `histologe-worker`
//! runs; on MySQL those are their own processes.

use std::sync::Arc;

use axum_extra::extract::cookie::Key;
use histologe_core::form::Form;
use histologe_demo as demo;
use histologe_runtime::config::{Config, SECRET_KEY};
use histologe_runtime::error::StartError;
use histologe_runtime::shutdown::Shutdown;
use histologe_runtime::wiring::{self, Schema, Wired, database_error};
use histologe_runtime::{clock, worker};
use tokio::net::TcpListener;

use crate::web::{self, WebSettings, WebState};

pub async fn serve(config: &Config) -> Result<(), StartError> {
    let embedded = config.is_embedded();
    // The embedded file has no other process to race with on its schema.
    let schema = if embedded {
        Schema::Migrate
    } else {
        Schema::Require
    };
    let (_, wired) = wiring::connect(config, schema).await?;
    if embedded {
        prepare_demo(config, &wired).await?;
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
    let shutdown = Shutdown::on_signals();
    let background = if config.runs_jobs_in_process() {
        tracing::info!("jobs and scheduled tasks run in this process");
        Some(spawn_jobs(config, &wired, &shutdown)?)
    } else {
        tracing::info!(
            "jobs and scheduled tasks are left to histologe-worker (HISTOLOGE_INPROCESS_JOBS=on to run them here)"
        );
        None
    };

    let state = WebState {
        app: wired.app.clone(),
        form: Form::reference(),
        cookie_key,
        settings: Arc::new(WebSettings {
            platform_name: config.mail.platform_name.clone(),
            base_url: config.base_url.clone(),
            secure_cookies: config.base_url.starts_with("https://"),
            assets_dir: config.assets_dir.clone(),
            upload_max_bytes: config.upload_max_bytes,
            brevo_webhook: config.mail.webhook.clone(),
        }),
    };
    let listener = TcpListener::bind(config.listen).await.map_err(|e| {
        StartError::Refused(format!("impossible d'écouter sur {} : {e}", config.listen))
    })?;
    println!("Histologe écoute sur {}", config.base_url);
    let stopping = shutdown.clone();
    let served = axum::serve(
        listener,
        web::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move { stopping.wait().await })
    .await;
    if let Some(background) = background {
        let _ = background.await;
    }
    served.map_err(|e| StartError::Refused(format!("serveur arrêté : {e}")))
}

/// The worker (one slot: the embedded default is one person trying it) and
/// the clock, stopped with the web server.
fn spawn_jobs(
    config: &Config,
    wired: &Wired,
    shutdown: &Shutdown,
) -> Result<tokio::task::JoinHandle<()>, StartError> {
    let schedule = clock::Schedule::from_env().map_err(StartError::Outside)?;
    let runner = worker::runner(wired, config);
    let options = worker::WorkerOptions {
        concurrency: 1,
        grace: config.shutdown_grace,
        ..worker::WorkerOptions::default()
    };
    let ports = wired.ports.clone();
    let shutdown = shutdown.clone();
    Ok(tokio::spawn(async move {
        let worker = worker::run(runner, options, shutdown.clone());
        let clock = clock::run(ports, schedule, shutdown);
        let _ = tokio::join!(worker, clock);
    }))
}

/// The embedded default shows something to try at once; a production
/// database never gets demo data by surprise.
async fn prepare_demo(config: &Config, wired: &Wired) -> Result<(), StartError> {
    let stores = &wired.ports.repositories;
    if demo::is_empty(stores)
        .await
        .map_err(database_error(config))?
    {
        let summary = demo::load_demo_data(&wired.app, &wired.ports, demo_password(config)).await?;
        tracing::info!(signalements = summary.signalements, "demo data loaded");
    }
    // A database loaded before accounts had passwords gets them now.
    let set = demo::set_demo_passwords(
        &wired.ports,
        &demo::role_account_emails(),
        demo_password(config),
        true,
    )
    .await?;
    if set > 0 {
        tracing::info!(accounts = set, "demo password given to the demo accounts");
    }
    print_demo_accounts(config, stores).await
}

/// `DEMO_PASSWORD`, or the default one.
fn demo_password(config: &Config) -> &str {
    config
        .demo_password
        .as_ref()
        .map_or(demo::DEFAULT_DEMO_PASSWORD, |p| p.expose())
}

/// One line per demo account, as the README promises.
async fn print_demo_accounts(
    config: &Config,
    stores: &histologe_ports::Repositories,
) -> Result<(), StartError> {
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
            "super admin: after the password, a login code is e-mailed (HISTOLOGE_2FA=off to skip it); read it with: grep -ho 'connexion à .* est : [0-9]*' {}/*.json | tail -1",
            config.outbox_dir.display()
        );
    }
    Ok(())
}
