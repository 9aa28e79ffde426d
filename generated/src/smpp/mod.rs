//! Async SMPP 3.4 client for the Qikberry gateway.
