//! Lending services (SPEC §3): each loads state through the store, asks the core what to do and writes the
//! result in one transaction with its audit entry.
