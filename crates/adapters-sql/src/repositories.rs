//! Reads, and writes of reference data that stand alone.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use histologe_core::enums::{Role, UserStatus};
use histologe_core::ids::{
    AutoAffectationRuleId, FileId, PartnerId, SignalementId, SuiviId, UserId,
};
use histologe_core::model::{
    Affectation, AutoAffectationRule, Case, FileMeta, HistoryEntry, Notification, Partner,
    RuleStatus, Signalement, Territory, User,
};
use histologe_core::policy::ListScope;
use histologe_core::reference::{Reference, is_reference_query};
use histologe_core::territory_code::TerritoryCode;
use histologe_ports::{
    AutoAffectationRuleRepository, FileRepository, HistoryRepository, ListOrder,
    NotificationRepository, Page, PartnerFilter, PartnerRepository, RepoError, SignalementFilter,
    SignalementRepository, TerritoryRepository, UserRepository, list_keys,
};
use serde::de::DeserializeOwned;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, Row};

use crate::codec::{flag, from_json, micros, repo_error, to_json};
use crate::store::SqlStore;

fn decode_all<T: DeserializeOwned>(
    rows: &[sqlx::any::AnyRow],
    what: &'static str,
) -> Result<Vec<T>, RepoError> {
    rows.iter()
        .map(|r| {
            crate::codec::text(r, "data")
                .map_err(repo_error(what))
                .and_then(|d| from_json(&d))
        })
        .collect()
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// `LIKE` pattern matching the folded `text` anywhere, with its wildcards escaped by
/// `!` (a backslash would need escaping differently on each engine).
fn contains_pattern(text: &str) -> String {
    let escaped = histologe_core::search::fold(text)
        .replace('!', "!!")
        .replace('%', "!%")
        .replace('_', "!_");
    format!("%{escaped}%")
}

impl SqlStore {
    pub(crate) async fn fetch_data<'q, T: DeserializeOwned>(
        &self,
        query: Query<'q, Any, AnyArguments<'q>>,
        what: &'static str,
    ) -> Result<Vec<T>, RepoError> {
        let rows = query
            .fetch_all(&self.read)
            .await
            .map_err(repo_error(what))?;
        decode_all(&rows, what)
    }

    async fn fetch_one_data<'q, T: DeserializeOwned>(
        &self,
        query: Query<'q, Any, AnyArguments<'q>>,
        what: &'static str,
    ) -> Result<Option<T>, RepoError> {
        Ok(self.fetch_data(query, what).await?.into_iter().next())
    }

    async fn read_case(&self, id: SignalementId) -> Result<Option<Case>, RepoError> {
        let mut conn = self
            .read
            .acquire()
            .await
            .map_err(repo_error("connection"))?;
        crate::cases::read_case(&mut conn, id).await
    }
}

/// What a read of the list wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Total,
    Rows,
    Both,
    /// The rows and the total counted up to this bound.
    BothUpTo(u64),
}

const EXCLUDED: &str =
    "('ARCHIVED', 'DRAFT', 'DRAFT_ARCHIVED', 'INJONCTION_BAILLEUR', 'INJONCTION_CLOSED')";

/// Binds of the list query, in the order of its `?`.
enum Bind {
    Text(String),
    Int(i64),
}

fn bind_all<'q>(
    mut query: Query<'q, Any, AnyArguments<'q>>,
    binds: &[Bind],
) -> Query<'q, Any, AnyArguments<'q>> {
    for b in binds {
        query = match b {
            Bind::Text(t) => query.bind(t.clone()),
            Bind::Int(i) => query.bind(*i),
        };
    }
    query
}

/// The partner and affectation-status filters. A partner's list reads its
/// own affectation row `a` (he never sees the others'); an admin's asks
/// whether the case has one affectation passing both.
fn affectation_conditions(
    partner: bool,
    filter: &SignalementFilter,
    conditions: &mut Vec<String>,
    binds: &mut Vec<Bind>,
) {
    if partner {
        match filter.partner {
            None => {}
            Some(PartnerFilter::AffectedTo(p)) => {
                conditions.push("a.partner_id = ?".into());
                binds.push(Bind::Text(p.to_string()));
            }
            Some(PartnerFilter::NoAffectation) => conditions.push("1 = 0".into()),
        }
        if let Some(status) = filter.affectation_status {
            conditions.push("a.status = ?".into());
            binds.push(Bind::Text(status.as_str().to_string()));
        }
        return;
    }
    match (filter.partner, filter.affectation_status) {
        (None, None) => {}
        (Some(PartnerFilter::NoAffectation), status) => {
            conditions.push(
                "NOT EXISTS (SELECT 1 FROM affectations x WHERE x.signalement_id = s.id)".into(),
            );
            if status.is_some() {
                conditions.push("1 = 0".into());
            }
        }
        (partner, status) => {
            let mut sub =
                "EXISTS (SELECT 1 FROM affectations x WHERE x.signalement_id = s.id".to_string();
            if let Some(PartnerFilter::AffectedTo(p)) = partner {
                sub.push_str(" AND x.partner_id = ?");
                binds.push(Bind::Text(p.to_string()));
            }
            if let Some(status) = status {
                sub.push_str(" AND x.status = ?");
                binds.push(Bind::Text(status.as_str().to_string()));
            }
            sub.push(')');
            conditions.push(sub);
        }
    }
}

/// The filters on the case's own columns (migration 6); true when one
/// applies.
fn case_conditions(
    filter: &SignalementFilter,
    conditions: &mut Vec<String>,
    binds: &mut Vec<Bind>,
) -> bool {
    let before = conditions.len();
    if let Some(text) = filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        if is_reference_query(text) {
            let reference = Reference::parse(text)
                .map(|r| r.to_string())
                .unwrap_or_else(|_| text.to_string());
            conditions.push("s.reference = ?".into());
            binds.push(Bind::Text(reference));
        } else if list_keys::is_five_digits(text) {
            conditions.push("s.code_postal = ?".into());
            binds.push(Bind::Text(text.to_string()));
        } else {
            conditions.push("s.search_text LIKE ? ESCAPE '!'".into());
            binds.push(Bind::Text(contains_pattern(text)));
        }
    }
    if let Some(commune) = filter
        .commune
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        if list_keys::is_five_digits(commune) {
            conditions.push("(s.code_postal = ? OR s.insee = ?)".into());
            binds.push(Bind::Text(commune.to_string()));
            binds.push(Bind::Text(commune.to_string()));
        } else {
            conditions.push("s.commune = ?".into());
            binds.push(Bind::Text(list_keys::commune_key(commune)));
        }
    }
    if let Some(min) = filter.score_min {
        conditions.push("s.score_centi >= ?".into());
        binds.push(Bind::Int(i64::from(min) * 100));
    }
    if let Some(max) = filter.score_max {
        conditions.push("s.score_centi <= ?".into());
        binds.push(Bind::Int(i64::from(max) * 100));
    }
    if let Some(q) = filter.procedure {
        conditions.push("INSTR(s.procedures, ?) > 0".into());
        binds.push(Bind::Text(list_keys::procedure_needle(q)));
    }
    if let Some(since) = filter.no_suivi_since {
        conditions.push("COALESCE(s.last_suivi_at, s.created_at) < ?".into());
        binds.push(Bind::Int(micros(since)));
    }
    if filter.closed_by_all_partners {
        conditions.push("s.partners_closed = 1".into());
    }
    if filter.abandon_requested {
        conditions.push("s.abandon_requested = 1".into());
    }
    if let Some(key) = &filter.address_key {
        conditions.push("s.address_key = ?".into());
        binds.push(Bind::Text(key.clone()));
    }
    if let Some(tag) = filter.tag {
        conditions.push("INSTR(s.tags, ?) > 0".into());
        binds.push(Bind::Text(list_keys::tag_needle(tag)));
    }
    if let Some(bounds) = &filter.within {
        match list_keys::bounds_keys(bounds) {
            Some((south, north, west, east)) => {
                conditions.push("s.geo_lat BETWEEN ? AND ? AND s.geo_lng BETWEEN ? AND ?".into());
                binds.extend([south, north, west, east].map(Bind::Int));
            }
            // A rectangle no map has holds nothing (as in the memory store).
            None => conditions.push("1 = 0".into()),
        }
    }
    conditions.len() > before
}

/// `ORDER BY` of `order`: ties newest first, then by id (as the memory
/// store). A partner's dates come from his affectation rows (their index).
fn order_by(order: ListOrder, partner: bool) -> String {
    let (created, id) = if partner {
        ("a.signalement_created_at", "a.signalement_id")
    } else {
        ("s.created_at", "s.id")
    };
    let newest = format!("{created} DESC, {id} DESC");
    match order {
        ListOrder::CreatedDesc => newest,
        ListOrder::CreatedAsc => format!("{created} ASC, {id} ASC"),
        ListOrder::ReferenceDesc => {
            format!("s.reference_year DESC, s.reference_number DESC, {id} DESC")
        }
        ListOrder::ReferenceAsc => {
            format!("s.reference_year ASC, s.reference_number ASC, {id} ASC")
        }
        ListOrder::OccupantAsc => format!("s.occupant ASC, {newest}"),
        ListOrder::OccupantDesc => format!("s.occupant DESC, {newest}"),
        ListOrder::CommuneAsc => format!("s.commune ASC, {newest}"),
        ListOrder::CommuneDesc => format!("s.commune DESC, {newest}"),
    }
}

#[async_trait]
impl SignalementRepository for SqlStore {
    async fn case(&self, id: SignalementId) -> Result<Option<Case>, RepoError> {
        self.read_case(id).await
    }

    async fn case_by_code_suivi(&self, code: &str) -> Result<Option<Case>, RepoError> {
        let row = sqlx::query("SELECT id FROM signalements WHERE code_suivi = ?")
            .bind(code.to_string())
            .fetch_optional(&self.read)
            .await
            .map_err(repo_error("signalement"))?;
        let Some(row) = row else { return Ok(None) };
        let id: String = crate::codec::text(&row, "id").map_err(repo_error("signalement"))?;
        let id = id
            .parse()
            .map(SignalementId)
            .map_err(|e| RepoError::Unavailable(format!("signalement id: {e}")))?;
        self.read_case(id).await
    }

    /// Partners' lists start from their affectations (an index on partner
    /// and status), everyone else's from the signalements of the territory.
    async fn list(
        &self,
        scope: &ListScope,
        filter: &SignalementFilter,
        offset: u64,
        limit: u32,
    ) -> Result<Page<Signalement>, RepoError> {
        self.list_rows(scope, filter, offset, limit, Want::Both)
            .await
    }

    async fn list_up_to(
        &self,
        scope: &ListScope,
        filter: &SignalementFilter,
        offset: u64,
        limit: u32,
        bound: u64,
    ) -> Result<Page<Signalement>, RepoError> {
        self.list_rows(scope, filter, offset, limit, Want::BothUpTo(bound))
            .await
    }

    async fn count(&self, scope: &ListScope, filter: &SignalementFilter) -> Result<u64, RepoError> {
        Ok(self
            .list_rows(scope, filter, 0, 0, Want::Total)
            .await?
            .total)
    }

    async fn list_items(
        &self,
        scope: &ListScope,
        filter: &SignalementFilter,
        offset: u64,
        limit: u32,
    ) -> Result<Vec<Signalement>, RepoError> {
        Ok(self
            .list_rows(scope, filter, offset, limit, Want::Rows)
            .await?
            .items)
    }

    /// One query for the whole page (no read per case).
    async fn affectations_of(&self, ids: &[SignalementId]) -> Result<Vec<Affectation>, RepoError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT data FROM affectations WHERE signalement_id IN ({}) \
             ORDER BY signalement_id, created_at, id",
            placeholders(ids.len())
        );
        let mut query = sqlx::query(&sql);
        for id in ids {
            query = query.bind(id.to_string());
        }
        self.fetch_data(query, "affectations").await
    }

    async fn suivis_to_release(
        &self,
        created_before: DateTime<Utc>,
    ) -> Result<Vec<(SignalementId, SuiviId)>, RepoError> {
        let rows = sqlx::query(
            "SELECT signalement_id, id FROM suivis WHERE waiting_notification = 1 AND is_deleted = 0 \
             AND created_at < ? ORDER BY created_at, seq",
        )
        .bind(micros(created_before))
        .fetch_all(&self.read)
        .await
        .map_err(repo_error("suivis"))?;
        rows.iter()
            .map(|r| {
                let s: String =
                    crate::codec::text(r, "signalement_id").map_err(repo_error("suivis"))?;
                let id: String = crate::codec::text(r, "id").map_err(repo_error("suivis"))?;
                let parse = |v: &str| {
                    v.parse::<uuid::Uuid>()
                        .map_err(|e| RepoError::Unavailable(format!("id: {e}")))
                };
                Ok((SignalementId(parse(&s)?), SuiviId(parse(&id)?)))
            })
            .collect()
    }

    async fn in_status_created_before(
        &self,
        status: histologe_core::enums::SignalementStatus,
        created_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<SignalementId>, RepoError> {
        self.in_status_created_before_sql(status, created_before, limit)
            .await
    }

    async fn feedback_due(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<SignalementId>, RepoError> {
        self.feedback_due_sql(now, limit).await
    }

    async fn planned_visits_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(SignalementId, histologe_core::ids::InterventionId)>, RepoError> {
        self.planned_visits_between_sql(from, to, limit).await
    }

    async fn accepted_affectations_answered_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(SignalementId, histologe_core::ids::AffectationId)>, RepoError> {
        self.accepted_affectations_answered_between_sql(from, to, limit)
            .await
    }
}

/// `NotFound` unless the row exists. An UPDATE's count cannot tell: MySQL
/// counts changed rows only, so saving an unchanged row counts zero.
async fn exists(conn: &mut sqlx::AnyConnection, table: &str, id: &str) -> Result<(), RepoError> {
    let found = sqlx::query(&format!("SELECT 1 AS one FROM {table} WHERE id = ?"))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(repo_error(table))?;
    found
        .map(|_| ())
        .ok_or_else(|| RepoError::NotFound(format!("{table} {id}")))
}

fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

async fn write_memberships(conn: &mut sqlx::AnyConnection, user: &User) -> Result<(), RepoError> {
    sqlx::query("DELETE FROM user_partners WHERE user_id = ?")
        .bind(user.id.to_string())
        .execute(&mut *conn)
        .await
        .map_err(repo_error("user partners"))?;
    for m in &user.memberships {
        sqlx::query("INSERT INTO user_partners (user_id, partner_id) VALUES (?, ?)")
            .bind(user.id.to_string())
            .bind(m.partner_id.to_string())
            .execute(&mut *conn)
            .await
            .map_err(repo_error("user partners"))?;
    }
    Ok(())
}

/// The account and its partners, in the caller's transaction.
pub(crate) async fn insert_user(
    conn: &mut sqlx::AnyConnection,
    user: &User,
) -> Result<(), RepoError> {
    let (status, created_at, last_login_at) = crate::scheduled::user_columns(user);
    sqlx::query(
        "INSERT INTO users (id, email, role, data, status, created_at, last_login_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(user.id.to_string())
    .bind(email_key(&user.email))
    .bind(user.role.as_str())
    .bind(to_json(user)?)
    .bind(status)
    .bind(created_at)
    .bind(last_login_at)
    .execute(&mut *conn)
    .await
    .map_err(repo_error("user e-mail"))?;
    write_memberships(conn, user).await
}

/// The users of a partner by e-mail: the archived ones, or the others.
async fn partner_users(
    store: &SqlStore,
    partner: PartnerId,
    archived: bool,
) -> Result<Vec<User>, RepoError> {
    let users: Vec<User> = store
        .fetch_data(
            sqlx::query(
                "SELECT u.data AS data FROM users u JOIN user_partners up ON up.user_id = u.id \
                 WHERE up.partner_id = ? ORDER BY u.email",
            )
            .bind(partner.to_string()),
            "users",
        )
        .await?;
    Ok(users
        .into_iter()
        .filter(|u| (u.status == UserStatus::Archive) == archived)
        .collect())
}

#[async_trait]
impl UserRepository for SqlStore {
    async fn get(&self, id: UserId) -> Result<Option<User>, RepoError> {
        self.fetch_one_data(
            sqlx::query("SELECT data FROM users WHERE id = ?").bind(id.to_string()),
            "user",
        )
        .await
    }

    async fn by_email(&self, email: &str) -> Result<Option<User>, RepoError> {
        self.fetch_one_data(
            sqlx::query("SELECT data FROM users WHERE email = ?").bind(email_key(email)),
            "user",
        )
        .await
    }

    async fn insert(&self, user: &User) -> Result<(), RepoError> {
        let mut tx = self.write.begin().await.map_err(repo_error("user"))?;
        insert_user(&mut tx, user).await?;
        tx.commit().await.map_err(repo_error("user"))
    }

    async fn update(&self, user: &User) -> Result<(), RepoError> {
        let mut tx = self.write.begin().await.map_err(repo_error("user"))?;
        let (status, created_at, last_login_at) = crate::scheduled::user_columns(user);
        sqlx::query(
            "UPDATE users SET email = ?, role = ?, data = ?, status = ?, created_at = ?, \
             last_login_at = ? WHERE id = ?",
        )
        .bind(email_key(&user.email))
        .bind(user.role.as_str())
        .bind(to_json(user)?)
        .bind(status)
        .bind(created_at)
        .bind(last_login_at)
        .bind(user.id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(repo_error("user e-mail"))?;
        exists(&mut tx, "users", &user.id.to_string()).await?;
        write_memberships(&mut tx, user).await?;
        tx.commit().await.map_err(repo_error("user"))
    }

    /// Active and inactive users; archived accounts are gone for the partner.
    async fn of_partner(&self, partner: PartnerId) -> Result<Vec<User>, RepoError> {
        partner_users(self, partner, false).await
    }

    async fn archived_of_partner(&self, partner: PartnerId) -> Result<Vec<User>, RepoError> {
        partner_users(self, partner, true).await
    }

    async fn territory_admins(&self, territory: &TerritoryCode) -> Result<Vec<User>, RepoError> {
        self.fetch_data(
            sqlx::query(
                "SELECT DISTINCT u.data AS data, u.email FROM users u JOIN user_partners up ON up.user_id = u.id \
                 JOIN partners p ON p.id = up.partner_id WHERE u.role = ? AND p.territory = ? ORDER BY u.email",
            )
            .bind(Role::TerritoryAdmin.as_str())
            .bind(territory.as_str().to_string()),
            "users",
        )
        .await
    }

    async fn super_admins(&self) -> Result<Vec<User>, RepoError> {
        self.fetch_data(
            sqlx::query("SELECT data FROM users WHERE role = ? ORDER BY email")
                .bind(Role::SuperAdmin.as_str()),
            "users",
        )
        .await
    }

    async fn many(&self, ids: &[UserId]) -> Result<Vec<User>, RepoError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT data FROM users WHERE id IN ({}) ORDER BY email",
            placeholders(ids.len())
        );
        let mut query = sqlx::query(&sql);
        for id in ids {
            query = query.bind(id.to_string());
        }
        self.fetch_data(query, "users").await
    }

    /// Read and written in one transaction, the row locked on MariaDB (the
    /// single SQLite writer serialises it there).
    async fn set_mailing_preference(
        &self,
        user: UserId,
        is_mailing_active: bool,
        is_mailing_summary: bool,
    ) -> Result<(), RepoError> {
        let lock = if self.engine == crate::store::Engine::MySql {
            " FOR UPDATE"
        } else {
            ""
        };
        let mut tx = self.write.begin().await.map_err(repo_error("user"))?;
        let row = sqlx::query(&format!("SELECT data FROM users WHERE id = ?{lock}"))
            .bind(user.to_string())
            .fetch_optional(&mut *tx)
            .await
            .map_err(repo_error("user"))?
            .ok_or_else(|| RepoError::NotFound(format!("users {user}")))?;
        let mut account: User =
            from_json(&crate::codec::text(&row, "data").map_err(repo_error("user"))?)?;
        account.is_mailing_active = is_mailing_active;
        account.is_mailing_summary = is_mailing_summary;
        sqlx::query("UPDATE users SET data = ? WHERE id = ?")
            .bind(to_json(&account)?)
            .bind(user.to_string())
            .execute(&mut *tx)
            .await
            .map_err(repo_error("user"))?;
        tx.commit().await.map_err(repo_error("user"))
    }

    async fn unactivated_to_remind(
        &self,
        created_before: DateTime<Utc>,
        reminded_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<User>, RepoError> {
        self.unactivated_to_remind_sql(created_before, reminded_before, limit)
            .await
    }

    async fn set_activation_reminded(
        &self,
        user: UserId,
        at: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        self.set_user_mark(user, "activation_reminded_at", Some(at))
            .await
    }

    async fn inactive_to_notify(
        &self,
        seen_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<User>, RepoError> {
        self.inactive_to_notify_sql(seen_before, limit).await
    }

    async fn set_archiving_scheduled(
        &self,
        user: UserId,
        at: Option<DateTime<Utc>>,
    ) -> Result<(), RepoError> {
        self.set_user_mark(user, "archiving_scheduled_at", at).await
    }

    async fn archiving_due(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(User, DateTime<Utc>)>, RepoError> {
        self.archiving_due_sql(now, limit).await
    }
}

/// The generic e-mail of a partner that is not archived: unique per territory.
fn partner_email_key(p: &Partner) -> Option<String> {
    p.email.as_deref().filter(|_| !p.is_archive).map(email_key)
}

#[async_trait]
impl PartnerRepository for SqlStore {
    async fn get(&self, id: PartnerId) -> Result<Option<Partner>, RepoError> {
        self.fetch_one_data(
            sqlx::query("SELECT data FROM partners WHERE id = ?").bind(id.to_string()),
            "partner",
        )
        .await
    }

    async fn of_territory(&self, territory: &TerritoryCode) -> Result<Vec<Partner>, RepoError> {
        self.fetch_data(
            sqlx::query(
                "SELECT data FROM partners WHERE territory = ? AND is_archive = 0 ORDER BY nom, id",
            )
            .bind(territory.as_str().to_string()),
            "partners",
        )
        .await
    }

    async fn insert(&self, p: &Partner) -> Result<(), RepoError> {
        let mut conn = self.write.acquire().await.map_err(repo_error("partner"))?;
        insert_partner(&mut conn, p).await
    }

    async fn update(&self, p: &Partner) -> Result<(), RepoError> {
        let mut conn = self.write.acquire().await.map_err(repo_error("partner"))?;
        update_partner(&mut conn, p).await
    }
}

/// The partner, in the caller's connection or transaction.
pub(crate) async fn insert_partner(
    conn: &mut sqlx::AnyConnection,
    p: &Partner,
) -> Result<(), RepoError> {
    sqlx::query("INSERT INTO partners (id, territory, nom, is_archive, email_key, data) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(p.id.to_string())
        .bind(p.territory.as_str().to_string())
        .bind(p.nom.clone())
        .bind(flag(p.is_archive))
        .bind(partner_email_key(p))
        .bind(to_json(p)?)
        .execute(&mut *conn)
        .await
        .map_err(repo_error("partner e-mail"))?;
    Ok(())
}

pub(crate) async fn update_partner(
    conn: &mut sqlx::AnyConnection,
    p: &Partner,
) -> Result<(), RepoError> {
    sqlx::query("UPDATE partners SET territory = ?, nom = ?, is_archive = ?, email_key = ?, data = ? WHERE id = ?")
        .bind(p.territory.as_str().to_string())
        .bind(p.nom.clone())
        .bind(flag(p.is_archive))
        .bind(partner_email_key(p))
        .bind(to_json(p)?)
        .bind(p.id.to_string())
        .execute(&mut *conn)
        .await
        .map_err(repo_error("partner e-mail"))?;
    exists(conn, "partners", &p.id.to_string()).await
}

/// Replaces a stored territory, in the caller's transaction.
pub(crate) async fn update_territory(
    conn: &mut sqlx::AnyConnection,
    t: &Territory,
) -> Result<(), RepoError> {
    let code = t.code.as_str().to_string();
    let found = sqlx::query("SELECT 1 AS one FROM territories WHERE code = ?")
        .bind(code.clone())
        .fetch_optional(&mut *conn)
        .await
        .map_err(repo_error("territory"))?;
    if found.is_none() {
        return Err(RepoError::NotFound(format!("territory {code}")));
    }
    sqlx::query("UPDATE territories SET name = ?, is_active = ?, data = ? WHERE code = ?")
        .bind(t.name.clone())
        .bind(flag(t.is_active))
        .bind(to_json(t)?)
        .bind(code)
        .execute(&mut *conn)
        .await
        .map_err(repo_error("territory"))?;
    Ok(())
}

#[async_trait]
impl TerritoryRepository for SqlStore {
    async fn get(&self, code: &TerritoryCode) -> Result<Option<Territory>, RepoError> {
        self.fetch_one_data(
            sqlx::query("SELECT data FROM territories WHERE code = ?")
                .bind(code.as_str().to_string()),
            "territory",
        )
        .await
    }

    async fn all(&self) -> Result<Vec<Territory>, RepoError> {
        self.fetch_data(
            sqlx::query("SELECT data FROM territories ORDER BY code"),
            "territories",
        )
        .await
    }

    async fn upsert(&self, t: &Territory) -> Result<(), RepoError> {
        let mut tx = self.write.begin().await.map_err(repo_error("territory"))?;
        let exists = sqlx::query("SELECT 1 AS one FROM territories WHERE code = ?")
            .bind(t.code.as_str().to_string())
            .fetch_optional(&mut *tx)
            .await
            .map_err(repo_error("territory"))?;
        let sql = if exists.is_some() {
            "UPDATE territories SET name = ?, is_active = ?, data = ? WHERE code = ?"
        } else {
            "INSERT INTO territories (name, is_active, data, code) VALUES (?, ?, ?, ?)"
        };
        sqlx::query(sql)
            .bind(t.name.clone())
            .bind(flag(t.is_active))
            .bind(to_json(t)?)
            .bind(t.code.as_str().to_string())
            .execute(&mut *tx)
            .await
            .map_err(repo_error("territory"))?;
        tx.commit().await.map_err(repo_error("territory"))
    }
}

fn rule_status(status: RuleStatus) -> &'static str {
    match status {
        RuleStatus::Active => "ACTIVE",
        RuleStatus::Archived => "ARCHIVED",
    }
}

#[async_trait]
impl AutoAffectationRuleRepository for SqlStore {
    async fn active(
        &self,
        territory: &TerritoryCode,
    ) -> Result<Vec<AutoAffectationRule>, RepoError> {
        self.fetch_data(
            sqlx::query("SELECT data FROM auto_affectation_rules WHERE territory = ? AND status = 'ACTIVE' ORDER BY id")
                .bind(territory.as_str().to_string()),
            "rules",
        )
        .await
    }

    async fn insert(&self, rule: &AutoAffectationRule) -> Result<(), RepoError> {
        let mut conn = self.write.acquire().await.map_err(repo_error("rule"))?;
        insert_rule(&mut conn, rule).await
    }

    async fn get(
        &self,
        id: AutoAffectationRuleId,
    ) -> Result<Option<AutoAffectationRule>, RepoError> {
        self.fetch_one_data(
            sqlx::query("SELECT data FROM auto_affectation_rules WHERE id = ?")
                .bind(id.to_string()),
            "rule",
        )
        .await
    }

    async fn of_territory(
        &self,
        territory: &TerritoryCode,
    ) -> Result<Vec<AutoAffectationRule>, RepoError> {
        self.fetch_data(
            sqlx::query("SELECT data FROM auto_affectation_rules WHERE territory = ? ORDER BY id")
                .bind(territory.as_str().to_string()),
            "rules",
        )
        .await
    }
}

pub(crate) async fn insert_rule(
    conn: &mut sqlx::AnyConnection,
    rule: &AutoAffectationRule,
) -> Result<(), RepoError> {
    sqlx::query(
        "INSERT INTO auto_affectation_rules (id, territory, status, data) VALUES (?, ?, ?, ?)",
    )
    .bind(rule.id.to_string())
    .bind(rule.territory.as_str().to_string())
    .bind(rule_status(rule.status))
    .bind(to_json(rule)?)
    .execute(&mut *conn)
    .await
    .map_err(repo_error("rule"))?;
    Ok(())
}

pub(crate) async fn update_rule(
    conn: &mut sqlx::AnyConnection,
    rule: &AutoAffectationRule,
) -> Result<(), RepoError> {
    sqlx::query(
        "UPDATE auto_affectation_rules SET territory = ?, status = ?, data = ? WHERE id = ?",
    )
    .bind(rule.territory.as_str().to_string())
    .bind(rule_status(rule.status))
    .bind(to_json(rule)?)
    .bind(rule.id.to_string())
    .execute(&mut *conn)
    .await
    .map_err(repo_error("rule"))?;
    exists(conn, "auto_affectation_rules", &rule.id.to_string()).await
}

#[async_trait]
impl FileRepository for SqlStore {
    async fn insert(&self, file: &FileMeta) -> Result<(), RepoError> {
        sqlx::query("INSERT INTO files (id, signalement_id, created_at, data) VALUES (?, ?, ?, ?)")
            .bind(file.id.to_string())
            .bind(file.signalement_id.to_string())
            .bind(micros(file.created_at))
            .bind(to_json(file)?)
            .execute(&self.write)
            .await
            .map_err(repo_error("file"))?;
        Ok(())
    }

    async fn get(&self, id: FileId) -> Result<Option<FileMeta>, RepoError> {
        self.fetch_one_data(
            sqlx::query("SELECT data FROM files WHERE id = ?").bind(id.to_string()),
            "file",
        )
        .await
    }

    async fn of_signalement(&self, id: SignalementId) -> Result<Vec<FileMeta>, RepoError> {
        self.fetch_data(
            sqlx::query("SELECT data FROM files WHERE signalement_id = ? ORDER BY created_at, id")
                .bind(id.to_string()),
            "files",
        )
        .await
    }

    async fn delete(&self, id: FileId) -> Result<(), RepoError> {
        sqlx::query("DELETE FROM files WHERE id = ?")
            .bind(id.to_string())
            .execute(&self.write)
            .await
            .map_err(repo_error("file"))?;
        Ok(())
    }
}

#[async_trait]
impl HistoryRepository for SqlStore {
    async fn of_signalement(&self, id: SignalementId) -> Result<Vec<HistoryEntry>, RepoError> {
        self.fetch_data(
            sqlx::query("SELECT data FROM history_entries WHERE signalement_id = ? ORDER BY created_at, seq")
                .bind(id.to_string()),
            "history",
        )
        .await
    }
    /// Entries outside a case are few (administration), and the entity's
    /// id is only in the JSON: they are found by its serialised form, on
    /// the rows without a case (`idx_history_signalement` narrows to those).
    async fn of_entity(&self, entity_id: uuid::Uuid) -> Result<Vec<HistoryEntry>, RepoError> {
        let entries: Vec<HistoryEntry> = self
            .fetch_data(
                sqlx::query("SELECT data FROM history_entries WHERE signalement_id IS NULL AND data LIKE ? ORDER BY created_at, seq")
                    .bind(format!("%\"entity_id\":\"{entity_id}\"%")),
                "history",
            )
            .await?;
        // The pattern is a pre-filter; the decoded id decides.
        Ok(entries
            .into_iter()
            .filter(|e| e.entity_id == entity_id)
            .collect())
    }

    /// One query over the three tables: a user's name is in its JSON, so
    /// its row carries `data` and is decoded here.
    async fn names_of(&self, ids: &[uuid::Uuid]) -> Result<Vec<(uuid::Uuid, String)>, RepoError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; ids.len()].join(", ");
        let sql = format!(
            "SELECT 1 AS rank_, CAST(id AS CHAR) AS id, label AS value FROM tags WHERE id IN ({marks}) \
             UNION ALL SELECT 2, CAST(id AS CHAR), nom FROM partners WHERE id IN ({marks}) \
             UNION ALL SELECT 3, CAST(id AS CHAR), data FROM users WHERE id IN ({marks})"
        );
        let mut query = sqlx::query(&sql);
        for _ in 0..3 {
            for id in ids {
                query = query.bind(id.to_string());
            }
        }
        let rows = query
            .fetch_all(&self.read)
            .await
            .map_err(repo_error("names"))?;
        let mut found: Vec<(i64, uuid::Uuid, String)> = Vec::with_capacity(rows.len());
        for row in &rows {
            let rank: i64 = row.try_get("rank_").map_err(repo_error("names"))?;
            let id: uuid::Uuid = crate::codec::text(row, "id")
                .map_err(repo_error("names"))?
                .parse()
                .map_err(|e| RepoError::Unavailable(format!("names: id: {e}")))?;
            let value = crate::codec::text(row, "value").map_err(repo_error("names"))?;
            let name = if rank == 3 {
                let user: User = from_json(&value)?;
                format!("{} {}", user.prenom, user.nom)
            } else {
                value
            };
            found.push((rank, id, name));
        }
        found.sort_by_key(|(rank, _, _)| *rank);
        let mut names: Vec<(uuid::Uuid, String)> = Vec::with_capacity(found.len());
        for (_, id, name) in found {
            if !names.iter().any(|(known, _)| *known == id) {
                names.push((id, name));
            }
        }
        Ok(names)
    }
}

#[async_trait]
impl NotificationRepository for SqlStore {
    async fn of_user(&self, user: UserId) -> Result<Vec<Notification>, RepoError> {
        self.fetch_notifications(
            sqlx::query(
                "SELECT data, wait_mailing_summary, is_seen FROM notifications WHERE user_id = ? \
                 ORDER BY created_at DESC, seq DESC",
            )
            .bind(user.to_string()),
        )
        .await
    }

    async fn of_signalement(&self, id: SignalementId) -> Result<Vec<Notification>, RepoError> {
        self.fetch_notifications(
            sqlx::query(
                "SELECT data, wait_mailing_summary, is_seen FROM notifications WHERE signalement_id = ? \
                 ORDER BY created_at DESC, seq DESC",
            )
            .bind(id.to_string()),
        )
        .await
    }
    async fn page_of_user(
        &self,
        user: UserId,
        offset: u64,
        limit: u32,
    ) -> Result<Page<Notification>, RepoError> {
        let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM notifications WHERE user_id = ?")
            .bind(user.to_string())
            .fetch_one(&self.read)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(repo_error("notifications"))?;
        let items = self
            .fetch_notifications(
                sqlx::query(
                    "SELECT data, wait_mailing_summary, is_seen FROM notifications WHERE user_id = ? \
                     ORDER BY created_at DESC, seq DESC LIMIT ? OFFSET ?",
                )
                .bind(user.to_string())
                .bind(i64::from(limit))
                .bind(i64::try_from(offset).unwrap_or(i64::MAX)),
            )
            .await?;
        Ok(Page {
            items,
            total: u64::try_from(total).unwrap_or_default(),
        })
    }

    /// Counted on every back-office page, from the index on
    /// `(user_id, is_seen)` (migration 54).
    async fn unseen_count(&self, user: UserId) -> Result<u64, RepoError> {
        let unseen: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM notifications WHERE user_id = ? AND is_seen = 0",
        )
        .bind(user.to_string())
        .fetch_one(&self.read)
        .await
        .and_then(|r| r.try_get("n"))
        .map_err(repo_error("notifications"))?;
        Ok(u64::try_from(unseen).unwrap_or_default())
    }

    /// One statement, whatever the number: the column is the flag's truth.
    async fn mark_all_seen(&self, user: UserId) -> Result<(), RepoError> {
        sqlx::query("UPDATE notifications SET is_seen = 1 WHERE user_id = ? AND is_seen = 0")
            .bind(user.to_string())
            .execute(&self.write)
            .await
            .map_err(repo_error("notifications"))?;
        Ok(())
    }

    async fn delete_of_user(
        &self,
        user: UserId,
        id: histologe_core::ids::NotificationId,
    ) -> Result<bool, RepoError> {
        let done = sqlx::query("DELETE FROM notifications WHERE id = ? AND user_id = ?")
            .bind(id.to_string())
            .bind(user.to_string())
            .execute(&self.write)
            .await
            .map_err(repo_error("notifications"))?;
        Ok(done.rows_affected() > 0)
    }

    async fn delete_all_of_user(&self, user: UserId) -> Result<u64, RepoError> {
        let done = sqlx::query("DELETE FROM notifications WHERE user_id = ?")
            .bind(user.to_string())
            .execute(&self.write)
            .await
            .map_err(repo_error("notifications"))?;
        Ok(done.rows_affected())
    }

    async fn users_awaiting_summary(&self) -> Result<Vec<UserId>, RepoError> {
        let rows = sqlx::query(
            "SELECT DISTINCT user_id FROM notifications WHERE wait_mailing_summary = 1",
        )
        .fetch_all(&self.read)
        .await
        .map_err(repo_error("notifications"))?;
        rows.iter()
            .map(|r| {
                crate::codec::text(r, "user_id")
                    .map_err(repo_error("notifications"))?
                    .parse()
                    .map_err(|_| {
                        RepoError::Unavailable("notifications: a malformed user id".into())
                    })
            })
            .collect()
    }

    async fn awaiting_summary_of(&self, user: UserId) -> Result<Vec<Notification>, RepoError> {
        self.fetch_notifications(
            sqlx::query(
                "SELECT data, wait_mailing_summary, is_seen FROM notifications \
                 WHERE wait_mailing_summary = 1 AND user_id = ? ORDER BY created_at, seq",
            )
            .bind(user.to_string()),
        )
        .await
    }

    /// The column only: `data` keeps its stale copy of the flag (see
    /// [`SqlStore::fetch_notifications`]).
    async fn clear_awaiting_summary(
        &self,
        user: UserId,
        ids: &[histologe_core::ids::NotificationId],
    ) -> Result<u64, RepoError> {
        let mut cleared = 0;
        // Bounded batches: a digest may list a few hundred notifications.
        for chunk in ids.chunks(200) {
            let sql = format!(
                "UPDATE notifications SET wait_mailing_summary = 0 \
                 WHERE wait_mailing_summary = 1 AND user_id = ? AND id IN ({})",
                placeholders(chunk.len())
            );
            let mut query = sqlx::query(&sql).bind(user.to_string());
            for id in chunk {
                query = query.bind(id.to_string());
            }
            let done = query
                .execute(&self.write)
                .await
                .map_err(repo_error("notifications"))?;
            cleared += done.rows_affected();
        }
        Ok(cleared)
    }

    async fn purge_older_than(
        &self,
        created_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<u64, RepoError> {
        self.purge_old_notifications(created_before, limit).await
    }
}

impl SqlStore {
    /// `list`, with the total, the rows or both as `want` says (what is
    /// not wanted is not read: 0 or no rows).
    async fn list_rows(
        &self,
        scope: &ListScope,
        filter: &SignalementFilter,
        offset: u64,
        limit: u32,
        want: Want,
    ) -> Result<Page<Signalement>, RepoError> {
        // A partner's list reads from its affectations, which carry the
        // case's creation date and listed flag (migration 2): filtering and
        // sorting never need the case rows, only the 50 shown do.
        let partner = matches!(scope, ListScope::Partners(_));
        let (listed, created) = if partner {
            (
                "a.signalement_listed = 1".to_string(),
                "a.signalement_created_at",
            )
        } else {
            (format!("s.status NOT IN {EXCLUDED}"), "s.created_at")
        };
        let mut conditions = vec![listed];
        let mut binds: Vec<Bind> = Vec::new();
        // Whether a condition reads the case's own columns.
        let mut on_case = !partner;
        match scope {
            ListScope::Nothing => {
                return Ok(Page {
                    items: Vec::new(),
                    total: 0,
                });
            }
            ListScope::All => {}
            ListScope::Territories(territories) => {
                if territories.is_empty() {
                    return Ok(Page {
                        items: Vec::new(),
                        total: 0,
                    });
                }
                conditions.push(format!(
                    "s.territory IN ({})",
                    placeholders(territories.len())
                ));
                binds.extend(
                    territories
                        .iter()
                        .map(|t| Bind::Text(t.as_str().to_string())),
                );
            }
            ListScope::Partners(partners) => {
                if partners.is_empty() {
                    return Ok(Page {
                        items: Vec::new(),
                        total: 0,
                    });
                }
                conditions.push(format!(
                    "a.partner_id IN ({})",
                    placeholders(partners.len())
                ));
                binds.extend(partners.iter().map(|p| Bind::Text(p.to_string())));
            }
        }
        if let Some(status) = filter.status {
            if partner {
                // Rule 9: a partner filters on its own affectation's status.
                conditions.push("a.status = ?".into());
                binds.push(Bind::Text(
                    status.as_affectation_filter().as_str().to_string(),
                ));
            } else {
                conditions.push("s.status = ?".into());
                binds.push(Bind::Text(status.as_str().to_string()));
            }
        }
        affectation_conditions(partner, filter, &mut conditions, &mut binds);
        if let Some(territory) = &filter.territory {
            on_case = true;
            conditions.push("s.territory = ?".into());
            binds.push(Bind::Text(territory.as_str().to_string()));
        }
        on_case |= case_conditions(filter, &mut conditions, &mut binds);
        if let Some(after) = filter.created_after {
            conditions.push(format!("{created} >= ?"));
            binds.push(Bind::Int(micros(after)));
        }
        if let Some(before) = filter.created_before {
            conditions.push(format!("{created} < ?"));
            binds.push(Bind::Int(micros(before)));
        }
        let where_clause = conditions.join(" AND ");
        let (count_from, page_from) = if partner {
            let joined = "FROM affectations a JOIN signalements s ON s.id = a.signalement_id";
            (
                // Counting a partner's cases needs the case rows only when a
                // filter reads them.
                if on_case {
                    joined
                } else {
                    "FROM affectations a"
                },
                joined,
            )
        } else {
            ("FROM signalements s", "FROM signalements s")
        };
        let order = order_by(filter.order, partner);
        let count_sql = match want {
            Want::Rows => None,
            Want::Total | Want::Both => Some((
                format!("SELECT COUNT(*) AS n {count_from} WHERE {where_clause}"),
                None,
            )),
            // Stops reading the index at the bound.
            Want::BothUpTo(bound) => Some((
                format!(
                    "SELECT COUNT(*) AS n FROM (SELECT 1 AS one {count_from} WHERE {where_clause} LIMIT ?) up_to"
                ),
                Some(i64::try_from(bound).unwrap_or(i64::MAX)),
            )),
        };
        let total: i64 = match count_sql {
            None => 0,
            Some((sql, bound)) => {
                let mut query = bind_all(sqlx::query(&sql), &binds);
                if let Some(bound) = bound {
                    query = query.bind(bound);
                }
                query
                    .fetch_one(&self.read)
                    .await
                    .and_then(|r| r.try_get("n"))
                    .map_err(repo_error("signalements"))?
            }
        };
        let page_sql = if partner {
            // Read in the order of the affectations' index: only the rows
            // shown are joined.
            format!(
                "SELECT s.data AS data {page_from} WHERE {where_clause} ORDER BY {order} LIMIT ? OFFSET ?"
            )
        } else {
            // A deferred join: the page's ids are sorted from the list's
            // index alone (it holds the id), then only those rows are read.
            // Sorting the whole filtered range with each case's JSON cost
            // 30 ms at 5,000 cases of a territory, 10 times the page.
            format!(
                "SELECT s.data AS data FROM \
                 (SELECT s.id AS id {page_from} WHERE {where_clause} ORDER BY {order} LIMIT ? OFFSET ?) page \
                 JOIN signalements s ON s.id = page.id ORDER BY {order}"
            )
        };
        if want == Want::Total {
            return Ok(Page {
                items: Vec::new(),
                total: u64::try_from(total).unwrap_or_default(),
            });
        }
        let rows = bind_all(sqlx::query(&page_sql), &binds)
            .bind(i64::from(limit))
            .bind(i64::try_from(offset).unwrap_or(i64::MAX))
            .fetch_all(&self.read)
            .await
            .map_err(repo_error("signalements"))?;
        Ok(Page {
            items: decode_all(&rows, "signalements")?,
            total: u64::try_from(total).unwrap_or_default(),
        })
    }

    /// Notifications with their `wait_mailing_summary` and `is_seen`
    /// columns, the truth of those flags since migrations 11 and 54: the
    /// digest and "mark all seen" each write their column alone, so neither
    /// ever rewrites `data` under the other.
    async fn fetch_notifications<'q>(
        &self,
        query: Query<'q, Any, AnyArguments<'q>>,
    ) -> Result<Vec<Notification>, RepoError> {
        let rows = query
            .fetch_all(&self.read)
            .await
            .map_err(repo_error("notifications"))?;
        rows.iter()
            .map(|r| {
                let mut n: Notification = from_json(
                    &crate::codec::text(r, "data").map_err(repo_error("notifications"))?,
                )?;
                let waiting: i64 = r
                    .try_get("wait_mailing_summary")
                    .map_err(repo_error("notifications"))?;
                n.wait_mailing_summary = waiting != 0;
                let seen: i64 = r.try_get("is_seen").map_err(repo_error("notifications"))?;
                n.is_seen = seen != 0;
                Ok(n)
            })
            .collect()
    }
}

fn commune_of(row: &sqlx::any::AnyRow) -> Result<histologe_core::model::Commune, RepoError> {
    let get = |name: &str| crate::codec::text(row, name).map_err(repo_error("commune"));
    Ok(histologe_core::model::Commune {
        code_postal: get("code_postal")?,
        code_insee: get("code_insee")?,
        nom: get("nom")?,
    })
}

#[async_trait]
impl histologe_ports::CommuneRepository for SqlStore {
    /// In one transaction, by batches of 500 rows (35,000 communes).
    async fn replace_all(
        &self,
        communes: &[histologe_core::model::Commune],
    ) -> Result<(), RepoError> {
        let mut tx = self.write.begin().await.map_err(repo_error("communes"))?;
        sqlx::query("DELETE FROM communes")
            .execute(&mut *tx)
            .await
            .map_err(repo_error("communes"))?;
        for batch in communes.chunks(500) {
            let sql = format!(
                "INSERT INTO communes (code_postal, code_insee, nom) VALUES {}",
                vec!["(?, ?, ?)"; batch.len()].join(", ")
            );
            let mut query = sqlx::query(&sql);
            for c in batch {
                query = query
                    .bind(c.code_postal.clone())
                    .bind(c.code_insee.clone())
                    .bind(c.nom.clone());
            }
            query
                .execute(&mut *tx)
                .await
                .map_err(repo_error("communes"))?;
        }
        tx.commit().await.map_err(repo_error("communes"))
    }

    async fn by_postal_code(
        &self,
        code_postal: &str,
    ) -> Result<Vec<histologe_core::model::Commune>, RepoError> {
        sqlx::query("SELECT code_postal, code_insee, nom FROM communes WHERE code_postal = ? ORDER BY nom, code_insee")
            .bind(code_postal.to_string())
            .fetch_all(&self.read)
            .await
            .map_err(repo_error("communes"))?
            .iter()
            .map(commune_of)
            .collect()
    }

    async fn by_insee(
        &self,
        code_insee: &str,
    ) -> Result<Vec<histologe_core::model::Commune>, RepoError> {
        sqlx::query("SELECT code_postal, code_insee, nom FROM communes WHERE code_insee = ? ORDER BY code_postal, nom")
            .bind(code_insee.to_string())
            .fetch_all(&self.read)
            .await
            .map_err(repo_error("communes"))?
            .iter()
            .map(commune_of)
            .collect()
    }

    async fn count(&self) -> Result<u64, RepoError> {
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM communes")
            .fetch_one(&self.read)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(repo_error("communes"))?;
        Ok(u64::try_from(n).unwrap_or_default())
    }
}
