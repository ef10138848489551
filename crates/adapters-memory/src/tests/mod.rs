//! What only the memory adapters do. The store's ports are checked by the
//! contract suite shared with the SQL adapters (`tests/contract.rs`); what
//! is here is beyond their contract: the small adapters, outages on
//! demand, and the store's own choices where the ports leave room.

mod adapters;
mod store;
