//! Blocked clients: blocking a client (`Flow::Block`), the FIFO of blocked clients, serving them
//! when the keys they wait on are written (`serve_ready_keys`, by each block's `Serve`), timeouts
//! and cancellation (`unblock`, `cancel_block`), and XREADGROUP CLAIM wake-ups (`signal_claimable`).

use super::client::{Block, Serve};
use super::{cmd, keyspace, ClientId, Delivery, DeliveryKind, Engine, Outcome, Profile, Reply};
use super::{EventKind, UnblockReason};

impl Engine {
    /// Releases a blocked client as `CLIENT UNBLOCK <id> TIMEOUT` does (its timeout reply, as
    /// if the timeout had passed), for the console's Ctrl+C; an empty outcome if it is not blocked.
    pub fn cancel_block(&mut self, client: ClientId, now_ms: u64) -> Outcome {
        self.saw_time(now_ms);
        let mut out = Outcome::default();
        if self.unblock(client, UnblockReason::Cancelled, None, &mut out) {
            self.count_frames(&out);
        }
        self.apply_reply_flags(None, &mut out);
        self.stamp_events(&mut out, Some(client), now_ms);
        out
    }

    pub(super) fn block_client(
        &mut self,
        client: ClientId,
        argv: Vec<Vec<u8>>,
        block: cmd::BlockOn,
        now_ms: u64,
        out: &mut Outcome,
    ) {
        let db = self.clients[&client].db;
        let deadline_ms = if block.timeout_ms == 0 {
            None
        } else {
            Some(now_ms.saturating_add(block.timeout_ms))
        };
        out.push_event(EventKind::ClientBlocked {
            client_id: client,
            db,
            // The blocking command's name matched an ASCII table name: ASCII lower-casing is
            // Unicode's here, without Unicode's table in the page.
            command: String::from_utf8_lossy(argv.first().map_or(&[][..], |a| a))
                .to_ascii_lowercase(),
            keys: block.keys.clone(),
            group: match &block.serve {
                Serve::Group { group } => Some(group.clone()),
                _ => None,
            },
            deadline_ms,
        });
        if let Some(c) = self.clients.get_mut(&client) {
            c.block = Some(Block {
                db,
                keys: block.keys,
                deadline_ms,
                argv: block.argv.unwrap_or(argv),
                timeout_reply: block.timeout_reply,
                serve: block.serve,
                wake_at_ms: block.wake_at_ms,
            });
        }
        self.blocked.push_back(client);
    }

    /// Releases a blocked client with `frame`, or with its timeout reply when
    /// `frame` is `None`. Returns whether the client was blocked.
    pub(crate) fn unblock(
        &mut self,
        client: ClientId,
        reason: UnblockReason,
        frame: Option<Reply>,
        out: &mut Outcome,
    ) -> bool {
        self.blocked.retain(|&c| c != client);
        let Some(block) = self.clients.get_mut(&client).and_then(|c| c.block.take()) else {
            return false;
        };
        out.deliveries.push(Delivery {
            client,
            kind: DeliveryKind::Reply,
            frame: frame.unwrap_or(block.timeout_reply),
        });
        out.push_event(EventKind::ClientUnblocked {
            client_id: client,
            reason,
        });
        true
    }

    /// Serves the clients blocked on the keys the last command wrote (Redis's
    /// `handleClientsBlockedOnKeys`): key by key in the order they were written,
    /// and for each key its clients first come first served. Keys written while
    /// serving are handled after the current batch.
    /// The blocked clients whose block `pred` accepts, first blocked first.
    pub(super) fn blocked_where(&self, pred: impl Fn(&Block) -> bool) -> Vec<ClientId> {
        self.blocked
            .iter()
            .copied()
            .filter(|id| {
                self.clients
                    .get(id)
                    .and_then(|c| c.block.as_ref())
                    .is_some_and(&pred)
            })
            .collect()
    }

    pub(super) fn serve_ready_keys(&mut self, now_ms: u64, out: &mut Outcome) {
        while !self.ready_keys.is_empty() {
            let ready = std::mem::take(&mut self.ready_keys);
            for (db, key) in ready {
                let waiting = self.blocked_where(|b| b.db == db && b.keys.contains(&key));
                for id in waiting {
                    self.serve_blocked(id, db, &key, now_ms, out);
                }
            }
        }
    }

    /// Tries to serve blocked client `id` after `key` in `db` was written.
    fn serve_blocked(
        &mut self,
        id: ClientId,
        db: usize,
        key: &[u8],
        now_ms: u64,
        out: &mut Outcome,
    ) {
        let Some(mut block) = self.clients.get_mut(&id).and_then(|c| c.block.take()) else {
            return;
        };
        let mut inner = Outcome::default();
        // Set when a re-run blocks again: its new CLAIM wake-up time.
        let mut rewake: Option<Option<u64>> = None;
        let mut reason = UnblockReason::Served;
        let served = match &block.serve {
            Serve::Stream(wait) => {
                if !cmd::holds_stream(self, db, key, now_ms) {
                    // A key that is missing or of another type wakes no stream reader.
                    None
                } else if self.config.profile == Profile::V7 {
                    let index = block.keys.iter().position(|k| k == key);
                    index.and_then(|i| {
                        cmd::serve_stream_in_place(
                            self,
                            id,
                            db,
                            key,
                            wait.ids[i],
                            wait.count,
                            now_ms,
                        )
                    })
                } else {
                    self.reexec(id, &block.argv, &mut rewake, now_ms, &mut inner)
                }
            }
            Serve::Reexec => self.reexec(id, &block.argv, &mut rewake, now_ms, &mut inner),
            Serve::Pop { type_name } => {
                let holds = self.dbs[db]
                    .get(key, now_ms)
                    .is_some_and(|e| e.value.type_name() == type_name);
                if !holds {
                    None
                } else if self.config.profile == Profile::V7 {
                    let one = cmd::pop_argv_for_key(&block.argv, key);
                    self.reexec(id, &one, &mut rewake, now_ms, &mut inner)
                } else {
                    self.reexec(id, &block.argv, &mut rewake, now_ms, &mut inner)
                }
            }
            Serve::Group { group } => match self.dbs[db].get(key, now_ms).map(|e| &e.value) {
                Some(keyspace::Value::Stream(s)) if s.group(group).is_some() => {
                    // 7.0.15 serves a reader only once the stream's last ID
                    // passed the group's; until then it keeps its place.
                    let behind = s.group(group).is_some_and(|g| s.last_id() > g.last_id);
                    if self.config.profile == Profile::V7 && !behind {
                        None
                    } else if self.config.profile == Profile::V7 {
                        // 7.0.15 serves it from this one key only.
                        let one = cmd::single_stream_argv(&block.argv, key);
                        self.reexec(id, &one, &mut rewake, now_ms, &mut inner)
                    } else {
                        self.reexec(id, &block.argv, &mut rewake, now_ms, &mut inner)
                    }
                }
                other => {
                    reason = match other {
                        Some(keyspace::Value::Stream(_)) => UnblockReason::GroupDestroyed,
                        Some(_) => UnblockReason::TypeChanged,
                        None => UnblockReason::KeyDeleted,
                    };
                    if self.config.profile == Profile::V8 {
                        // 7.2+ re-runs the command, which answers as it would
                        // unblocked: NOGROUP for a missing key or group, WRONGTYPE
                        // for a key of another type (Redis 8.0.2 does so).
                        self.reexec(id, &block.argv, &mut rewake, now_ms, &mut inner)
                    } else if reason == UnblockReason::GroupDestroyed {
                        Some(Reply::Error(
                            b"NOGROUP the consumer group this client was blocked on no longer exists"
                                .to_vec(),
                        ))
                    } else {
                        Some(Reply::Error(
                            b"UNBLOCKED the stream key no longer exists".to_vec(),
                        ))
                    }
                }
            },
        };
        match served {
            Some(reply) => {
                self.blocked.retain(|&c| c != id);
                out.deliveries.push(Delivery {
                    client: id,
                    kind: DeliveryKind::Reply,
                    frame: reply,
                });
                out.deliveries.extend(inner.deliveries);
                out.events.extend(inner.events);
                out.push_event(EventKind::ClientUnblocked {
                    client_id: id,
                    reason,
                });
            }
            None => {
                // Nothing for it yet: it keeps its deadline. What the re-run changed
                // (a consumer it created or looked up) is still reported to the views.
                out.events.extend(inner.events);
                if let Some(wake) = rewake {
                    block.wake_at_ms = wake;
                }
                if let Some(c) = self.clients.get_mut(&id) {
                    c.block = Some(block);
                }
            }
        }
    }

    /// Re-runs a blocked client's command (Redis 7.2+). `None` when it would
    /// block again: the client then goes to the back of the queue, as Redis
    /// blocks it anew (keeping its original deadline).
    fn reexec(
        &mut self,
        id: ClientId,
        argv: &[Vec<u8>],
        rewake: &mut Option<Option<u64>>,
        now_ms: u64,
        inner: &mut Outcome,
    ) -> Option<Reply> {
        match cmd::dispatch(self, id, argv, now_ms, inner, true) {
            cmd::Flow::Reply(reply) => Some(reply),
            // The SUBSCRIBE family never blocks, so it is never re-run.
            cmd::Flow::Frames(frames) => frames.into_iter().next(),
            cmd::Flow::Block(again) => {
                // Blocked anew: a CLAIM reader registers its next wake-up.
                *rewake = Some(again.wake_at_ms);
                self.blocked.retain(|&c| c != id);
                self.blocked.push_back(id);
                None
            }
        }
    }

    /// `handleClaimableStreamEntries`: the keys of XREADGROUP CLAIM readers
    /// whose wake-up time passed (strictly) are signalled as ready, which re-runs
    /// every reader blocked on them.
    pub(super) fn signal_claimable(&mut self, now_ms: u64) {
        let due: Vec<(usize, Vec<Vec<u8>>)> = self
            .blocked
            .iter()
            .filter_map(|id| {
                let b = self.clients.get(id)?.block.as_ref()?;
                b.wake_at_ms
                    .is_some_and(|w| w < now_ms)
                    .then(|| (b.db, b.keys.clone()))
            })
            .collect();
        for (db, keys) in due {
            for key in keys {
                self.signal_key_ready(db, &key);
            }
        }
    }

    /// Notes that `key` in `db` was removed: consumer-group readers blocked on
    /// it are answered after the command (`signalDeletedKeyAsReady`).
    pub(crate) fn signal_key_deleted(&mut self, db: usize, key: &[u8]) {
        let group_waiter = self.blocked.iter().any(|id| {
            self.clients
                .get(id)
                .and_then(|c| c.block.as_ref())
                .is_some_and(|b| {
                    b.db == db
                        && matches!(b.serve, Serve::Group { .. })
                        && b.keys.iter().any(|k| k == key)
                })
        });
        if group_waiter {
            self.signal_key_ready(db, key);
        }
    }

    /// Notes that `key` in `db` was written, so clients blocked on it are served
    /// after the command (once per key, however often it was written).
    pub(crate) fn signal_key_ready(&mut self, db: usize, key: &[u8]) {
        if self.ready_keys.iter().any(|(d, k)| *d == db && k == key) {
            return;
        }
        let waited_on = self.blocked.iter().any(|id| {
            self.clients
                .get(id)
                .and_then(|c| c.block.as_ref())
                .is_some_and(|b| b.db == db && b.keys.iter().any(|k| k == key))
        });
        if waited_on {
            self.ready_keys.push((db, key.to_vec()));
        }
    }
}
