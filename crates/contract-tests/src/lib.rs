//! The contract of every storage port, written once and run against every
//! adapter: the memory store, SQLite and MariaDB (design.md, "Testing").
//!
//! A contract is one `pub async fn` taking a [`Backend`], grouped in one
//! module per port ([`transaction`], [`concurrency`], [`jobs`],
//! [`signalements`], [`users`], [`partners`], [`territories`], [`rules`],
//! [`files`], [`history`], [`notifications`], [`drafts`]). Each starts from
//! [`Backend::fresh`] (an empty database), seeds what it needs through the
//! ports themselves and panics with a message saying which promise of the
//! port was broken.
//!
//! # Running the suite against an adapter
//!
//! Implement [`Backend`] and invoke [`contract_suite!`] once, in an
//! integration test of the adapter's crate (which needs `tokio` with the
//! `macros` and `rt-multi-thread` features among its dev-dependencies):
//!
//! ```text
//! use histologe_contract_tests::{Backend, Stores, async_trait};
//!
//! struct Memory;
//!
//! #[async_trait]
//! impl Backend for Memory {
//!     async fn fresh(&self) -> Stores {
//!         Stores::from_store(histologe_adapters_memory::MemoryStore::new())
//!     }
//! }
//!
//! histologe_contract_tests::contract_suite!(Memory);
//! ```
//!
//! Every contract becomes one `#[tokio::test]` of the same name
//! (`transaction_rolls_back_on_drop`, `jobs_stale_claim_conflicts`…), so a
//! failure names the promise an adapter breaks.
//!
//! # What the suite assumes of every adapter
//!
//! - **Conflicts are retried.** An adapter may answer [`RepoError::Conflict`]
//!   whenever the database gives up on a lock (lock wait timeout, deadlock,
//!   `SQLITE_BUSY`); the caller then drops the transaction and runs the
//!   whole unit of work again. The concurrent contracts do exactly that, up
//!   to [`support::MAX_ATTEMPTS`] times, so a correct adapter passes even
//!   when its database sacrifices a transaction now and then; any other
//!   error fails the contract.
//! - **Round trips are exact.** What is written is read back equal, except
//!   for the order of collections the domain treats as sets (affectations,
//!   visits, qualifications, subscribers, memberships…; see
//!   [`support`]). Fixtures use whole-second UTC timestamps so that a
//!   `DATETIME` column keeps them.
//! - **No wall clock.** Fixtures carry fixed timestamps
//!   ([`fixtures::NOW`]) and the job contracts pass `now` to
//!   [`histologe_ports::JobQueue::claim`]. The only time
//!   an adapter stamps itself is `Job::created_at`; the contracts only
//!   compare it between jobs enqueued by successive transactions.
//! - **Referential integrity holds.** Every id a fixture names (a user, a
//!   partner, a territory, a case) exists in the database before the row
//!   that names it, so adapters may declare foreign keys.
//!
//! # Adding a contract
//!
//! Write it as `pub async fn <module>_<what_it_protects>(backend: &dyn
//! Backend)` in its port's module, with a doc comment saying which promise
//! it protects, **and add it to the list in [`contract_suite!`]**: the list
//! there is the only one, and a unit test of this crate fails when a
//! contract is missing from it.

#[doc(no_inline)]
pub use async_trait::async_trait;
#[doc(no_inline)]
pub use file_store::FileStoreBackend;
#[doc(no_inline)]
pub use histologe_ports::RepoError;
#[doc(no_inline)]
pub use shared_state::SharedStateBackend;

pub mod account_tokens;
pub mod accounts;
pub mod administration;
pub mod concurrency;
pub mod deliverability;
pub mod drafts;
pub mod file_store;
pub mod files;
pub mod fixtures;
pub mod history;
pub mod jobs;
pub mod list_filters;
pub mod map_bounds;
pub mod notifications;
pub mod partners;
pub mod rules;
pub mod same_address;
pub mod saved_searches;
pub mod scheduled;
pub mod settings;
pub mod shared_state;
pub mod signalements;
pub mod statistics;
pub mod support;
pub mod tags;
pub mod territories;
pub mod transaction;
pub mod users;

/// Every storage port of one database, as the application holds them:
/// the one bundle of `histologe_ports` (built with `Stores::from_store`).
pub type Stores = histologe_ports::Repositories;

/// An adapter under test: it hands out empty databases.
#[async_trait]
pub trait Backend: Send + Sync {
    /// A fresh, empty database.
    ///
    /// Each contract calls it once and owns what it gets: contracts run in
    /// parallel, so two calls must not share data (a new in-memory store, a
    /// new SQLite file, a new MariaDB schema…).
    async fn fresh(&self) -> Stores;

    /// Whether the backend can run here. A backend whose server is
    /// unreachable says so loudly and returns `false` outside CI (in CI it
    /// must fail instead); the contracts then stop at once.
    async fn available(&self) -> bool {
        true
    }
}

/// Expands to one `#[tokio::test(flavor = "multi_thread", worker_threads =
/// 2)]` per contract, named like the contract, each running it against
/// `$backend` (an expression of a type implementing [`Backend`], evaluated
/// once per test).
///
/// **This is the list of contracts**: a new contract is added here, and
/// only here (the unit test `every_contract_is_in_the_suite` checks that
/// none is forgotten).
#[macro_export]
macro_rules! contract_suite {
    ($backend:expr) => {
        $crate::__contract_tests! {
            $backend;
            transaction::transaction_rolls_back_on_drop,
            transaction::transaction_commit_makes_every_change_visible,
            transaction::transaction_uncommitted_changes_are_invisible_outside,
            transaction::transaction_insert_case_refuses_duplicates,
            transaction::transaction_lock_case_returns_suivis_oldest_first_and_subscribers,
            transaction::transaction_save_case_writes_the_case_and_keeps_suivis,
            transaction::transaction_one_affectation_per_partner,
            transaction::transaction_suivis_are_inserted_updated_and_deleted,
            transaction::transaction_subscriptions_are_idempotent,
            transaction::transaction_notifications_of_a_case_are_deleted,
            transaction::transaction_max_reference_number_per_territory_and_year,
            transaction::transaction_max_injonction_number,
            concurrency::concurrency_reference_numbers_are_distinct_and_consecutive,
            concurrency::concurrency_lock_case_loses_no_update,
            concurrency::concurrency_claimers_never_share_a_job,
            concurrency::concurrency_state_change_and_job_commit_together,
            jobs::jobs_idempotency_key_ignores_repeats,
            jobs::jobs_claim_oldest_due_first,
            jobs::jobs_expired_lease_is_claimed_again,
            jobs::jobs_stale_claim_conflicts,
            jobs::jobs_fail_with_retry_reschedules,
            jobs::jobs_fail_without_retry_is_dead,
            jobs::jobs_dead_newest_first_with_limit,
            jobs::jobs_retry_sends_back_dead_jobs_only,
            jobs::jobs_release_gives_the_job_back_uncounted,
            jobs::jobs_abandon_keeps_dead_jobs_out_of_the_queue,
            jobs::jobs_overview_counts_by_kind_and_status,
            jobs::jobs_effects_are_recorded_once,
            jobs::jobs_finished_are_purged,
            signalements::signalements_full_case_round_trips,
            signalements::signalements_list_scopes_all_and_territories,
            signalements::signalements_list_partner_scope_filters_on_affectation_status,
            signalements::signalements_list_scope_nothing_sees_nothing,
            signalements::signalements_list_never_shows_excluded_statuses,
            signalements::signalements_list_text_is_exact_reference_or_substring,
            signalements::signalements_list_territory_and_date_filters,
            signalements::signalements_list_newest_first_with_total_before_paging,
            signalements::signalements_suivis_to_release,
            list_filters::list_filters_partner_and_affectation_status,
            list_filters::list_filters_partner_scope_reads_its_own_affectations,
            list_filters::list_filters_commune_postal_code_or_insee,
            list_filters::list_filters_text_postal_code_and_email,
            list_filters::list_filters_criticite_and_procedure,
            list_filters::list_filters_dashboard_flags,
            list_filters::list_filters_orders,
            list_filters::list_filters_follow_a_saved_case,
            list_filters::list_filters_affectations_of_a_page,
            list_filters::list_filters_etiquette,
            list_filters::list_filters_count_and_items_agree_with_list,
            map_bounds::map_bounds_inside_outside_and_edges,
            map_bounds::map_bounds_follow_the_scope,
            map_bounds::map_bounds_follow_a_saved_case,
            saved_searches::saved_searches_are_each_users_own,
            saved_searches::saved_searches_refuse_an_unknown_user_and_a_taken_id,
            scheduled::scheduled_cases_and_visits_due,
            scheduled::scheduled_feedback_due_counts_from_the_last_public_suivi,
            scheduled::scheduled_affectations_accepted_between,
            scheduled::scheduled_accounts_to_remind_notify_and_archive,
            scheduled::scheduled_purges_are_bounded,
            settings::settings_put_replace_and_remove,
            deliverability::deliverability_failures_mark_and_successes_clear,
            deliverability::deliverability_lists_the_accounts_of_the_scope,
            settings::settings_keep_long_unicode_values,
            statistics::statistics_rows_follow_the_scope_and_filters,
            statistics::statistics_rows_follow_each_save,
            users::users_round_trip_and_unknown,
            users::users_email_is_unique_whatever_the_case,
            users::users_of_partner_lists_active_and_inactive,
            users::users_territory_admins_and_super_admins,
            users::users_many_skips_unknown_ids,
            users::users_update,
            users::users_insert_in_a_transaction_commits_with_it,
            users::users_set_mailing_preference_changes_only_the_flags,
            partners::partners_round_trip_and_update,
            partners::partners_of_territory_lists_non_archived,
            partners::partners_generic_email_is_unique_among_live_partners,
            territories::territories_upsert_inserts_and_replaces,
            rules::rules_active_filters_territory_and_status,
            rules::rules_get_and_of_territory_include_archived,
            administration::administration_writes_commit_with_their_history,
            administration::administration_dropped_transaction_leaves_nothing,
            administration::administration_refuses_duplicates_and_unknowns,
            administration::administration_history_of_entity_is_that_entity_outside_cases,
            files::files_insert_get_list_delete,
            files::files_deleted_in_a_transaction,
            history::history_of_signalement_oldest_first,
            history::history_names_of_tags_partners_and_users,
            notifications::notifications_of_user_newest_first,
            notifications::notifications_of_signalement,
            notifications::notifications_page_count_mark_and_delete_are_per_user,
            notifications::notifications_awaiting_summary_are_listed_and_cleared_by_id,
            tags::tags_round_trip_and_list_by_territory,
            tags::tags_live_label_is_unique_per_territory,
            same_address::same_address_lists_the_other_cases_in_scope,
            drafts::drafts_save_then_get_round_trips,
            drafts::drafts_save_again_updates,
            drafts::drafts_unknown_id_is_none,
            drafts::drafts_dropped_transaction_leaves_nothing,
            drafts::drafts_committed_save_draft_is_visible,
            drafts::drafts_in_progress_of_owner,
            accounts::accounts_password_hash_set_replace_and_unknown,
            accounts::accounts_password_hash_of_unknown_user_is_refused,
            accounts::accounts_session_round_trips_and_touch_moves_expiry,
            accounts::accounts_session_id_is_unique,
            accounts::accounts_session_delete_and_delete_for_user,
            account_tokens::account_tokens_valid_until_expiry_and_for_its_kind,
            account_tokens::account_tokens_consume_is_single_use,
            account_tokens::account_tokens_concurrent_consume_only_one_wins,
            account_tokens::account_tokens_revoke_by_user_and_kind,
            account_tokens::account_tokens_duplicate_and_unknown_user_are_refused,
            account_tokens::account_tokens_purge_keeps_only_working_tokens,
        }
    };
}

/// The `SessionRepository` contracts alone, against `$backend` (a
/// [`Backend`]): for a backend whose sessions live outside the database
/// (Redis) while the other ports are another adapter's. The contracts are
/// those of [`accounts`] about sessions, also in [`contract_suite!`].
#[macro_export]
macro_rules! session_contract_suite {
    ($backend:expr) => {
        $crate::__contract_tests! {
            $backend;
            accounts::accounts_password_hash_of_unknown_user_is_refused,
            accounts::accounts_session_round_trips_and_touch_moves_expiry,
            accounts::accounts_session_id_is_unique,
            accounts::accounts_session_delete_and_delete_for_user,
        }
    };
}

/// The body of [`contract_suite!`]: one test per `module::contract`.
#[doc(hidden)]
#[macro_export]
macro_rules! __contract_tests {
    ($backend:expr; $($module:ident :: $contract:ident),+ $(,)?) => {
        $(
            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $contract() {
                let backend = $backend;
                if !$crate::Backend::available(&backend).await {
                    return;
                }
                $crate::$module::$contract(&backend).await;
            }
        )+
    };
}

/// The `FileStore` contracts ([`file_store`]), one test each, against
/// `$backend` (an expression of a type implementing [`FileStoreBackend`]).
/// Invoke it once per backend, each in its own module:
///
/// ```text
/// mod memory {
///     histologe_contract_tests::file_store_contract_suite!(super::Memory);
/// }
/// ```
#[macro_export]
macro_rules! file_store_contract_suite {
    ($backend:expr) => {
        $crate::__file_store_contract_tests! {
            $backend; file_store;
            file_store_put_then_get_round_trips,
            file_store_put_replaces,
            file_store_missing_key_is_not_found,
            file_store_delete_is_idempotent_and_precise,
            file_store_escaping_keys_are_refused,
            file_store_large_object_round_trips,
            file_store_concurrent_puts_all_land,
        }
    };
}

/// The body of [`file_store_contract_suite!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __file_store_contract_tests {
    ($backend:expr; $module:ident; $($contract:ident),+ $(,)?) => {
        $(
            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $contract() {
                let backend = $backend;
                if !$crate::FileStoreBackend::available(&backend).await {
                    return;
                }
                $crate::$module::$contract(&backend).await;
            }
        )+
    };
}

/// The `SharedState` contracts ([`shared_state`]), one test each, against
/// `$backend` (an expression of a type implementing [`SharedStateBackend`]).
#[macro_export]
macro_rules! shared_state_contract_suite {
    ($backend:expr) => {
        $crate::__shared_state_contract_tests! {
            $backend; shared_state;
            shared_state_counters_count_hits_per_key,
            shared_state_counter_expires_after_its_window,
            shared_state_concurrent_hits_all_count,
            shared_state_lock_is_exclusive_until_unlocked,
            shared_state_lock_expires_after_its_ttl,
            shared_state_concurrent_try_lock_only_one_wins,
            shared_state_cached_value_reads_back_until_it_expires,
        }
    };
}

/// The body of [`shared_state_contract_suite!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __shared_state_contract_tests {
    ($backend:expr; $module:ident; $($contract:ident),+ $(,)?) => {
        $(
            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $contract() {
                let backend = $backend;
                if !$crate::SharedStateBackend::available(&backend).await {
                    return;
                }
                $crate::$module::$contract(&backend).await;
            }
        )+
    };
}

#[cfg(test)]
mod tests {
    /// Every module holding contracts, with its source.
    const MODULES: &[(&str, &str)] = &[
        ("transaction", include_str!("transaction.rs")),
        ("concurrency", include_str!("concurrency.rs")),
        ("jobs", include_str!("jobs.rs")),
        ("deliverability", include_str!("deliverability.rs")),
        ("signalements", include_str!("signalements.rs")),
        ("list_filters", include_str!("list_filters.rs")),
        ("map_bounds", include_str!("map_bounds.rs")),
        ("saved_searches", include_str!("saved_searches.rs")),
        ("scheduled", include_str!("scheduled.rs")),
        ("settings", include_str!("settings.rs")),
        ("statistics", include_str!("statistics.rs")),
        ("users", include_str!("users.rs")),
        ("partners", include_str!("partners.rs")),
        ("territories", include_str!("territories.rs")),
        ("rules", include_str!("rules.rs")),
        ("administration", include_str!("administration.rs")),
        ("files", include_str!("files.rs")),
        ("history", include_str!("history.rs")),
        ("notifications", include_str!("notifications.rs")),
        ("tags", include_str!("tags.rs")),
        ("same_address", include_str!("same_address.rs")),
        ("drafts", include_str!("drafts.rs")),
        ("accounts", include_str!("accounts.rs")),
        ("account_tokens", include_str!("account_tokens.rs")),
    ];

    /// A contract written but left out of `contract_suite!` would never
    /// run: every `pub async fn` of a contract module must be listed.
    #[test]
    fn every_contract_is_in_the_suite() {
        let lib = include_str!("lib.rs");
        let start = lib
            .find("$backend;\n")
            .expect("contract_suite! starts its list after `$backend;`");
        let list = &lib[start..];
        let list = &list[..list.find('}').expect("the list ends with a brace")];
        let listed: Vec<&str> = list
            .lines()
            .skip(1)
            .map(|line| line.trim().trim_end_matches(','))
            .filter(|entry| !entry.is_empty())
            .collect();
        let mut written = Vec::new();
        for (module, source) in MODULES {
            for line in source.lines() {
                let Some(rest) = line.strip_prefix("pub async fn ") else {
                    continue;
                };
                let name = rest.split('(').next().expect("a function name");
                assert!(
                    name.starts_with(&format!("{module}_")),
                    "contract {module}::{name} should be named {module}_…, as its test is"
                );
                written.push(format!("{module}::{name}"));
            }
        }
        for contract in &written {
            assert!(
                listed.contains(&contract.as_str()),
                "contract {contract} is missing from contract_suite! in lib.rs"
            );
        }
        for entry in &listed {
            assert!(
                written.iter().any(|c| c == entry),
                "contract_suite! lists {entry}, which is not a contract"
            );
        }
    }

    #[test]
    fn fixtures_start_at_a_fixed_whole_second() {
        assert_eq!(
            super::fixtures::NOW.to_rfc3339(),
            "2025-03-12T09:30:00+00:00"
        );
    }
}
