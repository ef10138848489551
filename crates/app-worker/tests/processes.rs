//! The worker and the clock as real processes, on SQLite and on the
//! machine's MariaDB: a worker killed in the middle of a job, two clocks
//! ticking together, a worker stopped with SIGTERM, and `--help`.
//!
//! The job that a test holds mid-way is the runtime's `ops.probe`: an
//! e-mail that waits for a file before it is sent. Its effect is a file in
//! the outbox, which the tests count.

use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use histologe_adapters_sql::SqlStore;
use histologe_application::jobs::enqueue;
use histologe_ports::{IdGenerator, Job, JobQueue, JobStatus, UnitOfWork};
use histologe_runtime::probe::Probe;

const BIN: &str = env!("CARGO_BIN_EXE_histologe-worker");
/// How long a test waits for a state it expects (a generous bound, only to
/// fail instead of hanging).
const PATIENCE: Duration = Duration::from_secs(60);

struct Ids;
impl IdGenerator for Ids {
    fn uuid(&self) -> uuid::Uuid {
        uuid::Uuid::new_v4()
    }
    fn random_bytes(&self) -> [u8; 16] {
        *uuid::Uuid::new_v4().as_bytes()
    }
}

/// One deployment: a database, a working directory (outbox, files), the
/// environment every process of it gets.
struct Deployment {
    dir: tempfile::TempDir,
    url: String,
}

impl Deployment {
    fn sqlite() -> Deployment {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/histologe.db", dir.path().display());
        Deployment { dir, url }
    }

    /// A fresh schema on the MariaDB of the machine (`TEST_MYSQL_URL`).
    /// `None`, said loudly, when it does not answer outside CI.
    async fn mariadb() -> Option<Deployment> {
        let server = std::env::var("TEST_MYSQL_URL")
            .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".to_string());
        create_schema(&server).await.map(|url| Deployment {
            dir: tempfile::tempdir().expect("temp dir"),
            url,
        })
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BIN);
        command
            .args(args)
            .current_dir(self.dir.path())
            .env("DATABASE_URL", &self.url)
            .env("HISTOLOGE_OUTBOX_DIR", self.outbox())
            .env("HISTOLOGE_JOB_LEASE", "2")
            .env("HISTOLOGE_SHUTDOWN_GRACE", "1")
            .env("RUST_LOG", "info")
            .env_remove("REDIS_URL")
            .env_remove("STORAGE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("the binary runs")
    }

    fn spawn(&self, args: &[&str], env: &[(&str, &str)]) -> Child {
        let mut command = self.command(args);
        for (k, v) in env {
            command.env(k, v);
        }
        command.spawn().expect("the binary starts")
    }

    fn outbox(&self) -> PathBuf {
        self.dir.path().join("outbox")
    }

    fn go_file(&self) -> PathBuf {
        self.dir.path().join("go")
    }

    async fn store(&self) -> SqlStore {
        SqlStore::connect(&self.url)
            .await
            .expect("the database opens")
    }

    /// The outbox e-mails whose text holds `token`.
    fn mails_with(&self, token: &str) -> usize {
        let Ok(entries) = std::fs::read_dir(self.outbox()) else {
            return 0;
        };
        entries
            .filter_map(Result::ok)
            .filter(|e| std::fs::read_to_string(e.path()).is_ok_and(|text| text.contains(token)))
            .count()
    }
}

/// Creates a schema with the `mariadb` client (the suites' server is the
/// machine's); fails under CI when the server does not answer.
async fn create_schema(server: &str) -> Option<String> {
    let name = format!(
        "hw_{}_{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    );
    let name = &name[..40.min(name.len())];
    let hostport = server
        .trim_start_matches("mysql://")
        .rsplit('@')
        .next()
        .unwrap_or("127.0.0.1:3306")
        .trim_end_matches('/')
        .to_string();
    let (host, port) = hostport.split_once(':').unwrap_or((&hostport, "3306"));
    let created = Command::new("mariadb")
        .args([
            "-h",
            host,
            "-P",
            port,
            "-uroot",
            "-e",
            &format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"),
        ])
        .output();
    match created {
        Ok(out) if out.status.success() => Some(format!("{}/{name}", server.trim_end_matches('/'))),
        other => {
            let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
            assert!(
                !ci,
                "MariaDB unreachable at {server} and CI=true: the worker's MariaDB process tests must run ({other:?})"
            );
            eprintln!(
                "\n!!! MariaDB unreachable at {server}: the worker's MariaDB process tests were SKIPPED !!!\n"
            );
            None
        }
    }
}

fn migrate(d: &Deployment) {
    let out = d.run(&["migrate"]);
    assert!(
        out.status.success(),
        "migrate failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A probe held before its send (it waits for the go file).
async fn enqueue_probe(d: &Deployment, token: &str) {
    enqueue_probe_with(
        d,
        Probe {
            to: "controle@histologe.test".into(),
            token: token.into(),
            wait_for: Some(d.go_file()),
            hold_after_send: None,
        },
    )
    .await;
}

async fn enqueue_probe_with(d: &Deployment, probe: Probe) {
    let store = d.store().await;
    let mut tx = store.begin().await.expect("transaction");
    enqueue(tx.as_mut(), &Ids, chrono::Utc::now(), &probe)
        .await
        .expect("enqueue");
    tx.commit().await.expect("commit");
}

async fn the_job(d: &Deployment) -> Job {
    let jobs = d.store().await.all().await.expect("jobs");
    jobs.into_iter()
        .find(|j| j.kind.as_str() == "ops.probe")
        .expect("the probe job")
}

async fn wait_for_status(d: &Deployment, status: JobStatus) -> Job {
    let started = Instant::now();
    loop {
        let job = the_job(d).await;
        if job.status == status {
            return job;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "the job stayed {:?}, never {status:?}",
            job.status
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -{name} failed");
}

/// Waits for the process to exit, killing it if it outlives `PATIENCE`.
fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if started.elapsed() > PATIENCE {
            let _ = child.kill();
            panic!("the process did not stop");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn stderr_of(child: &mut Child) -> String {
    use std::io::Read;
    let mut text = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut text);
    }
    text
}

/// A worker killed (SIGKILL) while its job waits: after the lease a second
/// worker claims the job again and completes it; the e-mail went out once.
async fn a_killed_worker_loses_nothing(d: Deployment) {
    migrate(&d);
    let token = format!("kill-{}", uuid::Uuid::new_v4().simple());
    enqueue_probe(&d, &token).await;
    let mut first = d.spawn(&["worker", "--concurrency", "1"], &[]);
    let claimed = wait_for_status(&d, JobStatus::Running).await;
    assert_eq!(claimed.attempts, 1);
    first.kill().expect("SIGKILL");
    let _ = first.wait();
    std::fs::write(d.go_file(), b"go").expect("go file");
    assert_eq!(d.mails_with(&token), 0, "the killed worker sent nothing");

    let mut second = d.spawn(&["worker", "--concurrency", "1"], &[]);
    let done = wait_for_status(&d, JobStatus::Done).await;
    assert_eq!(done.attempts, 2, "claimed again once its lease expired");
    signal(&second, "TERM");
    assert!(wait_exit(&mut second).success());
    assert_eq!(d.mails_with(&token), 1, "the e-mail went out exactly once");
}

/// A worker killed after its job sent the e-mail, before the job was done:
/// the job is run again after the lease, and the e-mail is not sent again.
async fn a_worker_killed_after_the_send_does_not_send_again(d: Deployment) {
    migrate(&d);
    let token = format!("sent-{}", uuid::Uuid::new_v4().simple());
    enqueue_probe_with(
        &d,
        Probe {
            to: "controle@histologe.test".into(),
            token: token.clone(),
            wait_for: None,
            hold_after_send: Some(d.go_file()),
        },
    )
    .await;
    let mut first = d.spawn(&["worker", "--concurrency", "1"], &[]);
    let started = Instant::now();
    while d.mails_with(&token) == 0 {
        assert!(started.elapsed() < PATIENCE, "the e-mail never left");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The send is recorded right after it; then the job waits for the file.
    tokio::time::sleep(Duration::from_millis(500)).await;
    first.kill().expect("SIGKILL");
    let _ = first.wait();
    assert_eq!(the_job(&d).await.status, JobStatus::Running);
    std::fs::write(d.go_file(), b"go").expect("go file");

    let mut second = d.spawn(&["worker", "--concurrency", "1"], &[]);
    let done = wait_for_status(&d, JobStatus::Done).await;
    assert_eq!(done.attempts, 2, "run again by the second worker");
    signal(&second, "TERM");
    assert!(wait_exit(&mut second).success());
    assert_eq!(d.mails_with(&token), 1, "the re-run did not send it again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_after_the_send_does_not_send_again_on_sqlite() {
    a_worker_killed_after_the_send_does_not_send_again(Deployment::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_after_the_send_does_not_send_again_on_mariadb() {
    if let Some(d) = Deployment::mariadb().await {
        a_worker_killed_after_the_send_does_not_send_again(d).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_worker_loses_nothing_on_sqlite() {
    a_killed_worker_loses_nothing(Deployment::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_worker_loses_nothing_on_mariadb() {
    if let Some(d) = Deployment::mariadb().await {
        a_killed_worker_loses_nothing(d).await;
    }
}

/// SIGTERM while a job waits beyond the grace period: the worker exits
/// soon after the grace, and the job is back in the queue, its attempt not
/// counted; a worker started afterwards completes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_releases_a_job_that_cannot_finish_within_the_grace() {
    let d = Deployment::sqlite();
    migrate(&d);
    let token = format!("term-{}", uuid::Uuid::new_v4().simple());
    enqueue_probe(&d, &token).await;
    let mut worker = d.spawn(
        &["worker", "--concurrency", "1"],
        &[
            ("HISTOLOGE_SHUTDOWN_GRACE", "1"),
            ("HISTOLOGE_JOB_LEASE", "300"),
        ],
    );
    wait_for_status(&d, JobStatus::Running).await;
    signal(&worker, "TERM");
    let status = wait_exit(&mut worker);
    let log = stderr_of(&mut worker);
    assert!(status.success(), "a clean stop: {log}");
    assert!(log.contains("grace period over"), "{log}");
    let back = the_job(&d).await;
    assert_eq!(
        (back.status, back.attempts),
        (JobStatus::Pending, 0),
        "released, not left to a 5-minute lease"
    );
    std::fs::write(d.go_file(), b"go").expect("go file");
    let out = d.run(&["worker", "--once"]);
    assert!(out.status.success());
    assert_eq!(the_job(&d).await.status, JobStatus::Done);
    assert_eq!(d.mails_with(&token), 1);
}

/// SIGTERM while a job can still finish: the worker lets it finish, then
/// exits; the job is done, its e-mail sent once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_the_running_job_finish_within_the_grace() {
    let d = Deployment::sqlite();
    migrate(&d);
    let token = format!("finish-{}", uuid::Uuid::new_v4().simple());
    enqueue_probe(&d, &token).await;
    let mut worker = d.spawn(
        &["worker", "--concurrency", "1"],
        &[
            ("HISTOLOGE_SHUTDOWN_GRACE", "30"),
            ("HISTOLOGE_JOB_LEASE", "300"),
        ],
    );
    wait_for_status(&d, JobStatus::Running).await;
    signal(&worker, "TERM");
    tokio::time::sleep(Duration::from_millis(500)).await;
    std::fs::write(d.go_file(), b"go").expect("go file");
    let status = wait_exit(&mut worker);
    assert!(status.success(), "{}", stderr_of(&mut worker));
    let done = the_job(&d).await;
    assert_eq!((done.status, done.attempts), (JobStatus::Done, 1));
    assert_eq!(d.mails_with(&token), 1);
}

/// Two clocks started together, every task every 2 seconds: each tick of
/// each task is queued once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_clocks_queue_each_tick_once() {
    let Some(d) = Deployment::mariadb().await else {
        return;
    };
    migrate(&d);
    let every_2s: Vec<(String, String)> = histologe_application::scheduled::ScheduledTask::ALL
        .iter()
        .map(|t| {
            (
                histologe_runtime::clock::variable(*t),
                "*/2 * * * * *".to_string(),
            )
        })
        .collect();
    let env: Vec<(&str, &str)> = every_2s
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut clocks = [d.spawn(&["clock"], &env), d.spawn(&["clock"], &env)];
    tokio::time::sleep(Duration::from_secs(7)).await;
    for clock in &clocks {
        signal(clock, "TERM");
    }
    for clock in &mut clocks {
        let status = wait_exit(clock);
        assert!(status.success(), "{}", stderr_of(clock));
    }
    let jobs = d.store().await.all().await.expect("jobs");
    let scheduled: Vec<&Job> = jobs
        .iter()
        .filter(|j| j.kind.as_str() == "scheduled.run")
        .collect();
    let mut keys: Vec<&str> = scheduled
        .iter()
        .map(|j| j.idempotency_key.as_deref().expect("a key"))
        .collect();
    let total = keys.len();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), total, "no tick queued twice: {keys:?}");
    for task in histologe_application::scheduled::ScheduledTask::ALL {
        let prefix = format!("scheduled:{}:", task.as_str());
        let ticks: Vec<&&str> = keys.iter().filter(|k| k.starts_with(&prefix)).collect();
        // About 7 s at every 2 s: 3 or 4 ticks, one more when a clock
        // caught up the tick due just before it started.
        assert!(
            (2..=5).contains(&ticks.len()),
            "{} ticked {} time(s) in 7 s at every 2 s: {ticks:?}",
            task.as_str(),
            ticks.len()
        );
        for key in &ticks {
            let at = chrono::DateTime::parse_from_rfc3339(&key[prefix.len()..])
                .expect("the tick's instant");
            assert_eq!(
                chrono::Timelike::second(&at) % 2,
                0,
                "a tick of the calendar, not of a clock's start: {key}"
            );
        }
    }
    // The worker runs every tick queued, each once.
    let out = d.run(&["worker", "--once"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        log.matches("scheduled task run").count(),
        total,
        "one run per queued tick"
    );
    let jobs = d.store().await.all().await.expect("jobs");
    assert!(
        jobs.iter()
            .filter(|j| j.kind.as_str() == "scheduled.run")
            .all(|j| j.status == JobStatus::Done && j.attempts == 1),
        "every tick ran once and succeeded"
    );
}

/// A process other than `migrate` refuses a database with pending
/// migrations, naming the command to run.
#[test]
fn the_worker_refuses_a_database_with_pending_migrations() {
    let d = Deployment::sqlite();
    let out = d.run(&["worker", "--once"]);
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("migration(s) en attente"), "{text}");
    assert!(text.contains("histologe-worker migrate"), "{text}");
    migrate(&d);
    let out = d.run(&["worker", "--once"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `--help` documents every mode and every variable the process reads.
#[test]
fn help_documents_every_mode_and_variable() {
    let out = Command::new(BIN).arg("--help").output().expect("runs");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for mode in ["worker", "clock", "migrate"] {
        assert!(help.contains(mode), "{mode} missing from:\n{help}");
    }
    // Written out here rather than read from the table `--help` prints:
    // a variable the code reads but the table forgets must fail this test.
    for variable in [
        "DATABASE_URL",
        "REDIS_URL",
        "STORAGE_URL",
        "STORAGE_ENDPOINT",
        "STORAGE_REGION",
        "STORAGE_ACCESS_KEY",
        "STORAGE_SECRET_KEY",
        "CLAMAV_HOST",
        "CLAMAV_PORT",
        "HISTOLOGE_BASE_URL",
        "HISTOLOGE_LISTEN",
        "HISTOLOGE_SECRET_KEY",
        "HISTOLOGE_ASSETS_DIR",
        "HISTOLOGE_OUTBOX_DIR",
        "HISTOLOGE_2FA",
        "HISTOLOGE_DIGEST_AT",
        "HISTOLOGE_INPROCESS_JOBS",
        "HISTOLOGE_SHUTDOWN_GRACE",
        "HISTOLOGE_JOB_LEASE",
        "HISTOLOGE_SCHEDULE_",
        "INJONCTION_BAILLEUR_DEPTS",
        "UPLOAD_MAX_BYTES",
        "HISTOLOGE_DEMO_PASSWORD",
        "HISTOLOGE_PLATFORM_NAME",
        "BREVO_API_KEY",
        "BREVO_API_URL",
        "SMTP_URL",
        "MAIL_FROM",
        "MAIL_FROM_NAME",
        "MAIL_REPLY_TO",
        "BREVO_WEBHOOK_SECRET",
        "BREVO_WEBHOOK_ALLOWED_IPS",
        "RUST_LOG",
    ] {
        assert!(help.contains(variable), "{variable} missing from:\n{help}");
    }
    let worker = Command::new(BIN)
        .args(["worker", "--help"])
        .output()
        .expect("runs");
    let worker = String::from_utf8_lossy(&worker.stdout);
    for flag in ["--concurrency", "--once", "HISTOLOGE_SHUTDOWN_GRACE"] {
        assert!(worker.contains(flag), "{flag} missing from:\n{worker}");
    }
}

/// The web binary, built beside this one by `cargo test --workspace`.
fn web_bin() -> PathBuf {
    let path = PathBuf::from(BIN).with_file_name("histologe-web");
    assert!(
        path.exists(),
        "{} is missing: build it first (cargo build -p histologe-web; cargo test --workspace does)",
        path.display()
    );
    path
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Whether `GET /healthz` answers 200.
fn healthy(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200")
}

fn email_jobs(jobs: &[Job], status: JobStatus) -> usize {
    jobs.iter()
        .filter(|j| j.kind.as_str().starts_with("email.") && j.status == status)
        .count()
}

/// On MySQL the web process queues e-mails and sends none: the worker
/// process does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_mariadb_the_worker_process_sends_what_the_web_queued() {
    let Some(d) = Deployment::mariadb().await else {
        return;
    };
    migrate(&d);
    let web = |args: &[&str]| {
        let mut command = Command::new(web_bin());
        command
            .args(args)
            .current_dir(d.dir.path())
            .env("DATABASE_URL", &d.url)
            .env("HISTOLOGE_OUTBOX_DIR", d.outbox())
            .env("HISTOLOGE_SECRET_KEY", "k".repeat(64))
            .env("RUST_LOG", "info")
            .env_remove("REDIS_URL")
            .env_remove("STORAGE_URL")
            .env_remove("HISTOLOGE_INPROCESS_JOBS")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        command
    };
    // Filing through the use cases (the demo's reports) queues e-mails.
    let loaded = web(&["demo-data"]).output().expect("demo-data runs");
    assert!(
        loaded.status.success(),
        "{}",
        String::from_utf8_lossy(&loaded.stderr)
    );
    let queued = email_jobs(
        &d.store().await.all().await.expect("jobs"),
        JobStatus::Pending,
    );
    assert!(queued > 0, "the demo's reports queued e-mails");

    let port = free_port();
    let mut server = web(&["serve"])
        .env("HISTOLOGE_LISTEN", format!("127.0.0.1:{port}"))
        .spawn()
        .expect("serve starts");
    let started = Instant::now();
    while !healthy(port) {
        assert!(started.elapsed() < PATIENCE, "the web app never answered");
        if let Some(status) = server.try_wait().expect("try_wait") {
            panic!("serve stopped ({status}): {}", stderr_of(&mut server));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Longer than the in-process worker's idle pause: it would have sent.
    tokio::time::sleep(Duration::from_secs(4)).await;
    signal(&server, "TERM");
    let status = wait_exit(&mut server);
    let log = stderr_of(&mut server);
    assert!(status.success(), "{log}");
    assert!(log.contains("left to histologe-worker"), "{log}");
    assert_eq!(
        std::fs::read_dir(d.outbox())
            .map(|e| e.count())
            .unwrap_or(0),
        0,
        "the web process sent nothing"
    );

    let out = d.run(&["worker", "--once"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let jobs = d.store().await.all().await.expect("jobs");
    assert_eq!(
        email_jobs(&jobs, JobStatus::Pending),
        0,
        "every e-mail job ran"
    );
    assert_eq!(email_jobs(&jobs, JobStatus::Dead), 0, "none failed");
    let sent = std::fs::read_dir(d.outbox())
        .map(|e| e.count())
        .unwrap_or(0);
    assert!(sent > 0, "the worker process wrote the e-mails");
}
