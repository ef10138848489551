//! A case across its tables: the signalement row (with its qualifications),
//! affectations, visits, suivis and subscribers.

use histologe_core::ids::{SignalementId, UserId};
use histologe_core::model::{Affectation, Case, Intervention, Signalement, Suivi};
use histologe_core::qualification::SignalementQualification;
use histologe_core::reference::Reference;
use histologe_ports::RepoError;
use sqlx::AnyConnection;

use crate::codec::{flag, from_json, micros, repo_error, to_json};
use crate::store::Engine;

/// Folded names, e-mails, reference and address: what the back-office
/// search looks in (`list_keys::search_text`, as the memory store).
pub(crate) fn search_text(s: &Signalement) -> String {
    histologe_ports::list_keys::search_text(s)
        .chars()
        .take(1000)
        .collect()
}

/// `(year, number)` of a definitive reference; temporary ones have none.
pub(crate) fn reference_parts(s: &Signalement) -> (Option<i64>, Option<i64>) {
    match Reference::parse(&s.reference) {
        Ok(r) => (Some(i64::from(r.year())), Some(i64::from(r.number()))),
        Err(_) => (None, None),
    }
}

pub(crate) fn reference_counter(territory: &str, year: i64) -> String {
    format!("ref:{territory}:{year}")
}

pub(crate) const INJONCTION_COUNTER: &str = "injonction";

/// Keeps the numbering counters at least at the numbers this case holds,
/// so that a number set by a creation, a switch or an import is never
/// drawn again.
async fn raise_counters(conn: &mut AnyConnection, s: &Signalement) -> Result<(), RepoError> {
    let (year, number) = reference_parts(s);
    if let (Some(year), Some(number)) = (year, number) {
        sqlx::query("UPDATE counters SET value = ? WHERE name = ? AND value < ?")
            .bind(number)
            .bind(reference_counter(s.territory.as_str(), year))
            .bind(number)
            .execute(&mut *conn)
            .await
            .map_err(repo_error("reference counter"))?;
    }
    if let Some(n) = s.reference_injonction {
        sqlx::query("UPDATE counters SET value = ? WHERE name = ? AND value < ?")
            .bind(i64::from(n))
            .bind(INJONCTION_COUNTER)
            .bind(i64::from(n))
            .execute(&mut *conn)
            .await
            .map_err(repo_error("injonction counter"))?;
    }
    Ok(())
}

pub(crate) async fn insert_case(conn: &mut AnyConnection, case: &Case) -> Result<(), RepoError> {
    let s = &case.signalement;
    let (year, number) = reference_parts(s);
    sqlx::query(
        "INSERT INTO signalements (id, territory, status, reference, reference_year, reference_number, \
         reference_injonction, code_suivi, insee, created_at, search_text, data, qualifications) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(s.id.to_string())
    .bind(s.territory.as_str().to_string())
    .bind(s.status.as_str())
    .bind(s.reference.clone())
    .bind(year)
    .bind(number)
    .bind(s.reference_injonction.map(i64::from))
    .bind(s.code_suivi.clone())
    .bind(s.adresse.insee.clone())
    .bind(micros(s.created_at))
    .bind(search_text(s))
    .bind(to_json(s)?)
    .bind(to_json(&case.qualifications)?)
    .execute(&mut *conn)
    .await
    .map_err(repo_error("signalement"))?;
    crate::list_columns::write(conn, case).await?;
    for a in &case.affectations {
        insert_affectation(conn, s, a).await?;
    }
    for i in &case.interventions {
        insert_intervention(conn, i).await?;
    }
    for suivi in &case.suivis {
        insert_suivi(conn, suivi).await?;
    }
    for user in &case.subscribers {
        subscribe(conn, Engine::Sqlite, *user, s.id).await?;
    }
    raise_counters(conn, s).await
}

/// An affectation row, with the two facts of its case the partners' lists
/// filter and sort on (migration 2, docs/performance.md).
async fn insert_affectation(
    conn: &mut AnyConnection,
    s: &Signalement,
    a: &Affectation,
) -> Result<(), RepoError> {
    sqlx::query(
        "INSERT INTO affectations (id, signalement_id, partner_id, status, created_at, data, \
         signalement_created_at, signalement_listed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(a.id.to_string())
    .bind(a.signalement_id.to_string())
    .bind(a.partner_id.to_string())
    .bind(a.status.as_str())
    .bind(micros(a.created_at))
    .bind(to_json(a)?)
    .bind(micros(s.created_at))
    .bind(flag(!s.status.is_excluded_from_lists()))
    .execute(&mut *conn)
    .await
    .map_err(repo_error("affectation"))?;
    Ok(())
}

async fn insert_intervention(conn: &mut AnyConnection, i: &Intervention) -> Result<(), RepoError> {
    sqlx::query("INSERT INTO interventions (id, signalement_id, status, scheduled_at, data) VALUES (?, ?, ?, ?, ?)")
        .bind(i.id.to_string())
        .bind(i.signalement_id.to_string())
        .bind(i.status.as_str())
        .bind(micros(i.scheduled_at))
        .bind(to_json(i)?)
        .execute(&mut *conn)
        .await
        .map_err(repo_error("intervention"))?;
    Ok(())
}

pub(crate) async fn insert_suivi(conn: &mut AnyConnection, s: &Suivi) -> Result<(), RepoError> {
    sqlx::query(
        "INSERT INTO suivis (id, signalement_id, created_at, waiting_notification, is_deleted, data) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(s.id.to_string())
    .bind(s.signalement_id.to_string())
    .bind(micros(s.created_at))
    .bind(flag(s.waiting_notification))
    .bind(flag(s.is_deleted()))
    .bind(to_json(s)?)
    .execute(&mut *conn)
    .await
    .map_err(repo_error("suivi"))?;
    Ok(())
}

pub(crate) async fn update_suivi(conn: &mut AnyConnection, s: &Suivi) -> Result<(), RepoError> {
    let done = sqlx::query(
        "UPDATE suivis SET waiting_notification = ?, is_deleted = ?, data = ? WHERE id = ?",
    )
    .bind(flag(s.waiting_notification))
    .bind(flag(s.is_deleted()))
    .bind(to_json(s)?)
    .bind(s.id.to_string())
    .execute(&mut *conn)
    .await
    .map_err(repo_error("suivi"))?;
    if done.rows_affected() == 0 {
        return Err(RepoError::NotFound(format!("suivi {}", s.id)));
    }
    Ok(())
}

pub(crate) async fn subscribe(
    conn: &mut AnyConnection,
    _engine: Engine,
    user: UserId,
    signalement: SignalementId,
) -> Result<(), RepoError> {
    let exists =
        sqlx::query("SELECT 1 AS one FROM subscriptions WHERE user_id = ? AND signalement_id = ?")
            .bind(user.to_string())
            .bind(signalement.to_string())
            .fetch_optional(&mut *conn)
            .await
            .map_err(repo_error("subscription"))?;
    if exists.is_none() {
        sqlx::query("INSERT INTO subscriptions (user_id, signalement_id) VALUES (?, ?)")
            .bind(user.to_string())
            .bind(signalement.to_string())
            .execute(&mut *conn)
            .await
            .map_err(repo_error("subscription"))?;
    }
    Ok(())
}

pub(crate) async fn save_case(conn: &mut AnyConnection, case: &Case) -> Result<(), RepoError> {
    let s = &case.signalement;
    let (year, number) = reference_parts(s);
    let done = sqlx::query(
        "UPDATE signalements SET territory = ?, status = ?, reference = ?, reference_year = ?, reference_number = ?, \
         reference_injonction = ?, code_suivi = ?, insee = ?, created_at = ?, search_text = ?, data = ?, qualifications = ? \
         WHERE id = ?",
    )
    .bind(s.territory.as_str().to_string())
    .bind(s.status.as_str())
    .bind(s.reference.clone())
    .bind(year)
    .bind(number)
    .bind(s.reference_injonction.map(i64::from))
    .bind(s.code_suivi.clone())
    .bind(s.adresse.insee.clone())
    .bind(micros(s.created_at))
    .bind(search_text(s))
    .bind(to_json(s)?)
    .bind(to_json(&case.qualifications)?)
    .bind(s.id.to_string())
    .execute(&mut *conn)
    .await
    .map_err(repo_error("signalement"))?;
    if done.rows_affected() == 0 {
        // MySQL counts changed rows only: tell "unchanged" from "missing".
        let exists = sqlx::query("SELECT 1 AS one FROM signalements WHERE id = ?")
            .bind(s.id.to_string())
            .fetch_optional(&mut *conn)
            .await
            .map_err(repo_error("signalement"))?;
        if exists.is_none() {
            return Err(RepoError::NotFound(format!("signalement {}", s.id)));
        }
    }
    crate::list_columns::write(conn, case).await?;

    // A case has a handful of affectations and visits: writing them again
    // is simpler than diffing, and nothing else points to their rows.
    for table in ["affectations", "interventions"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE signalement_id = ?"))
            .bind(s.id.to_string())
            .execute(&mut *conn)
            .await
            .map_err(repo_error(table))?;
    }
    for a in &case.affectations {
        insert_affectation(conn, s, a).await?;
    }
    for i in &case.interventions {
        insert_intervention(conn, i).await?;
    }
    raise_counters(conn, s).await
}

/// Writes the date of the case's next request for news again
/// (`list_columns`), after a suivi changed without the case being saved.
pub(crate) async fn refresh_feedback_due(
    conn: &mut AnyConnection,
    engine: Engine,
    id: SignalementId,
) -> Result<(), RepoError> {
    let Some(case) = load_case(conn, engine, id, false).await? else {
        return Ok(());
    };
    let due = histologe_core::feedback::next_request(&case).map(|(at, _)| micros(at));
    sqlx::query("UPDATE signalements SET feedback_due_at = ? WHERE id = ?")
        .bind(due)
        .bind(id.to_string())
        .execute(&mut *conn)
        .await
        .map_err(repo_error("signalement"))?;
    Ok(())
}

/// The whole case; with `for_update` its row stays locked until the
/// transaction ends (MySQL; SQLite serialises writers anyway).
pub(crate) async fn load_case(
    conn: &mut AnyConnection,
    engine: Engine,
    id: SignalementId,
    for_update: bool,
) -> Result<Option<Case>, RepoError> {
    let lock = if for_update && engine == Engine::MySql {
        " FOR UPDATE"
    } else {
        ""
    };
    let sql = format!("SELECT data, qualifications FROM signalements WHERE id = ?{lock}");
    let Some(row) = sqlx::query(&sql)
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(repo_error("signalement"))?
    else {
        return Ok(None);
    };
    let signalement: Signalement =
        from_json(&crate::codec::text(&row, "data").map_err(repo_error("signalement"))?)?;
    let qualifications: Vec<SignalementQualification> =
        from_json(&crate::codec::text(&row, "qualifications").map_err(repo_error("signalement"))?)?;
    let key = id.to_string();
    let affectations: Vec<Affectation> =
        children(conn, "affectations", "created_at, id", &key).await?;
    let interventions: Vec<Intervention> =
        children(conn, "interventions", "scheduled_at, id", &key).await?;
    let suivis: Vec<Suivi> = children(conn, "suivis", "created_at, seq", &key).await?;
    let subscribers =
        sqlx::query("SELECT user_id FROM subscriptions WHERE signalement_id = ? ORDER BY user_id")
            .bind(key.clone())
            .fetch_all(&mut *conn)
            .await
            .map_err(repo_error("subscriptions"))?
            .iter()
            .map(|r| {
                crate::codec::text(r, "user_id")
                    .map_err(repo_error("subscriptions"))
                    .and_then(|u| {
                        u.parse()
                            .map(UserId)
                            .map_err(|e| RepoError::Unavailable(format!("user id: {e}")))
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(Case {
        signalement,
        affectations,
        interventions,
        qualifications,
        suivis,
        subscribers,
    }))
}

/// The whole case in one statement (issue 12: the signalement view and
/// every use case read it): one `UNION ALL` of the signalement and its
/// children, each part tagged by `part` and sorted as [`load_case`] sorts
/// them. Outside a transaction only: the row lock of a write needs the
/// locking read of [`load_case`].
pub(crate) async fn read_case(
    conn: &mut AnyConnection,
    id: SignalementId,
) -> Result<Option<Case>, RepoError> {
    // `part` is text so that both engines decode it alike; the sort keys
    // are never decoded.
    const SQL: &str = "\
        SELECT '0' AS part, data, qualifications AS extra, 0 AS k1, 0 AS k2, '' AS k3 \
          FROM signalements WHERE id = ? \
        UNION ALL SELECT '1', data, NULL, created_at, 0, id FROM affectations WHERE signalement_id = ? \
        UNION ALL SELECT '2', data, NULL, scheduled_at, 0, id FROM interventions WHERE signalement_id = ? \
        UNION ALL SELECT '3', data, NULL, created_at, seq, '' FROM suivis WHERE signalement_id = ? \
        UNION ALL SELECT '4', user_id, NULL, 0, 0, user_id FROM subscriptions WHERE signalement_id = ? \
        ORDER BY part, k1, k2, k3";
    let key = id.to_string();
    let rows = sqlx::query(SQL)
        .bind(key.clone())
        .bind(key.clone())
        .bind(key.clone())
        .bind(key.clone())
        .bind(key)
        .fetch_all(&mut *conn)
        .await
        .map_err(repo_error("signalement"))?;
    let mut case: Option<Case> = None;
    for row in &rows {
        let text = |name: &str| crate::codec::text(row, name).map_err(repo_error("signalement"));
        let part = text("part")?;
        if part == "0" {
            case = Some(Case {
                signalement: from_json(&text("data")?)?,
                qualifications: from_json(&text("extra")?)?,
                affectations: Vec::new(),
                interventions: Vec::new(),
                suivis: Vec::new(),
                subscribers: Vec::new(),
            });
            continue;
        }
        // Children sort after their signalement: no row 0, no case.
        let Some(case) = case.as_mut() else {
            return Ok(None);
        };
        let data = text("data")?;
        match part.as_str() {
            "1" => case.affectations.push(from_json(&data)?),
            "2" => case.interventions.push(from_json(&data)?),
            "3" => case.suivis.push(from_json(&data)?),
            _ => case
                .subscribers
                .push(UserId(data.parse().map_err(|e| {
                    RepoError::Unavailable(format!("user id: {e}"))
                })?)),
        }
    }
    Ok(case)
}

/// The `data` of a case's rows in `table`, decoded, in `order`.
async fn children<T: serde::de::DeserializeOwned>(
    conn: &mut AnyConnection,
    table: &'static str,
    order: &'static str,
    signalement: &str,
) -> Result<Vec<T>, RepoError> {
    let sql = format!("SELECT data FROM {table} WHERE signalement_id = ? ORDER BY {order}");
    let rows = sqlx::query(&sql)
        .bind(signalement.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(repo_error(table))?;
    rows.iter()
        .map(|r| {
            crate::codec::text(r, "data")
                .map_err(repo_error(table))
                .and_then(|d| from_json(&d))
        })
        .collect()
}
