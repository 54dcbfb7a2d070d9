//! The native RESP server.
