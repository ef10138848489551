//! The storage contract suite on MariaDB / MySQL (`TEST_MYSQL_URL`).

mod support;

histologe_contract_tests::contract_suite!(support::MariaDb);
