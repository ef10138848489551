//! The storage contract suite on SQLite, the embedded default.

mod support;

histologe_contract_tests::contract_suite!(support::Sqlite);
