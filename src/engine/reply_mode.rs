//! CLIENT REPLY ON|OFF|SKIP: a client's reply flags (Redis's `CLIENT_REPLY_OFF`,
//! `CLIENT_REPLY_SKIP` and `CLIENT_REPLY_SKIP_NEXT`) and where they take effect, once a call
//! into the engine has produced its outcome: a silenced client's replies (its command's, or
//! the late reply of a command that blocked) are dropped, its pushes (Pub/Sub messages,
//! subscribe confirmations, keyspace notifications) still go out in RESP2 and RESP3, as
//! `prepareClientToWrite` lets a frame through while `CLIENT_PUSHING` is set.

use super::{ClientId, DeliveryKind, Engine, Outcome};

/// A client's CLIENT REPLY state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct ReplyFlags {
    /// CLIENT REPLY OFF: no reply until CLIENT REPLY ON (or RESET).
    pub off: bool,
    /// The running command's reply is dropped (the command before it was CLIENT REPLY SKIP).
    pub skip: bool,
    /// CLIENT REPLY SKIP ran: the next command's reply is dropped.
    pub skip_next: bool,
    /// The running command (EXEC) applied the flags to its own reply as it wrote it, since
    /// a queued CLIENT REPLY changes them midway: the flags at its end do not drop it.
    #[serde(skip)]
    pub applied: bool,
}

impl ReplyFlags {
    /// Whether a reply written now is dropped.
    pub(crate) fn silenced(self) -> bool {
        self.off || self.skip
    }

    /// `resetClient` after a command finished (for a blocked one, once it is unblocked): the
    /// skip ends, and a SKIP just run silences the next command.
    fn command_done(&mut self) {
        self.skip = std::mem::take(&mut self.skip_next);
    }
}

impl Engine {
    /// Applies the reply flags to what a call produced: late replies to clients that were
    /// unblocked, then, when `caller`'s command finished (it did not block), its own reply.
    /// A client whose late reply was dropped is listed in `Outcome::silenced` (it was
    /// unblocked all the same). Errors were counted before this, as Redis counts an error
    /// reply that is not written.
    pub(super) fn apply_reply_flags(&mut self, caller: Option<ClientId>, out: &mut Outcome) {
        let mut caller_done = false;
        let mut i = 0;
        while i < out.deliveries.len() {
            let d = &out.deliveries[i];
            if d.kind == DeliveryKind::Reply {
                let id = d.client;
                caller_done |= Some(id) == caller;
                if let Some(c) = self.clients.get_mut(&id) {
                    let silenced = c.reply.silenced();
                    c.reply.command_done();
                    if silenced {
                        out.deliveries.remove(i);
                        if i < out.reply_at {
                            out.reply_at -= 1;
                        }
                        out.silenced.push(id);
                        continue;
                    }
                }
            }
            i += 1;
        }
        let Some(id) = caller else { return };
        if caller_done || self.is_blocked(id) {
            return;
        }
        if let Some(c) = self.clients.get_mut(&id) {
            let applied = std::mem::take(&mut c.reply.applied);
            if c.reply.silenced() && !applied {
                out.reply = None;
            }
            c.reply.command_done();
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::test_util::argv;
    use crate::engine::{Config, DeliveryKind, Engine, Reply};

    #[test]
    fn off_and_skip_drop_replies_and_on_answers() {
        let mut e = Engine::new(Config::default());
        let a = e.connect(0);
        assert_eq!(e.execute(a, argv("CLIENT REPLY OFF"), 1).reply, None);
        assert_eq!(e.execute(a, argv("PING"), 2).reply, None);
        assert_eq!(e.execute(a, argv("NOSUCH"), 3).reply, None);
        assert!(!e.is_blocked(a));
        // SKIP is ignored while OFF.
        assert_eq!(e.execute(a, argv("CLIENT REPLY SKIP"), 4).reply, None);
        assert_eq!(
            e.execute(a, argv("CLIENT REPLY ON"), 5).reply,
            Some(Reply::ok())
        );
        assert_eq!(e.execute(a, argv("CLIENT REPLY SKIP"), 6).reply, None);
        assert_eq!(e.execute(a, argv("PING"), 7).reply, None);
        assert_eq!(
            e.execute(a, argv("PING"), 8).reply,
            Some(Reply::simple("PONG"))
        );
        assert_eq!(
            e.execute(a, argv("CLIENT REPLY maybe"), 9).reply,
            Some(Reply::error("ERR syntax error"))
        );
    }

    #[test]
    fn pushes_pass_and_late_replies_are_dropped() {
        let mut e = Engine::new(Config::default());
        let a = e.connect(0);
        let b = e.connect(0);
        e.execute(b, argv("CLIENT REPLY OFF"), 1);
        let out = e.execute(b, argv("SUBSCRIBE ch"), 2);
        assert_eq!(out.deliveries.len(), 1);
        assert_eq!(out.deliveries[0].kind, DeliveryKind::Push);
        let out = e.execute(a, argv("PUBLISH ch m"), 3);
        assert_eq!(out.deliveries.len(), 1);
        assert_eq!(out.deliveries[0].client, b);
        e.execute(b, argv("UNSUBSCRIBE"), 4);
        // A served pop's late reply is dropped, and the client is unblocked.
        assert_eq!(e.execute(b, argv("BLPOP q 0"), 5).reply, None);
        assert!(e.is_blocked(b));
        let out = e.execute(a, argv("RPUSH q x"), 6);
        assert_eq!(out.reply, Some(Reply::Integer(1)));
        assert!(out.deliveries.is_empty());
        assert_eq!(out.silenced, vec![b]);
        assert!(!e.is_blocked(b));
        // A timeout's too.
        e.execute(b, argv("BZPOPMIN z 1"), 7);
        let out = e.advance(1007);
        assert!(out.deliveries.is_empty());
        assert_eq!(out.silenced, vec![b]);
        // Under SKIP a late reply is dropped, then the next command answers.
        e.execute(b, argv("CLIENT REPLY ON"), 1008);
        e.execute(b, argv("CLIENT REPLY SKIP"), 1009);
        e.execute(b, argv("BLPOP q 0"), 1010);
        let out = e.cancel_block(b, 1011);
        assert!(out.deliveries.is_empty());
        assert_eq!(
            e.execute(b, argv("PING"), 1012).reply,
            Some(Reply::simple("PONG"))
        );
    }

    /// The bytes one client is sent for `lines`, in RESP2 (`*3` is written alike in RESP3).
    fn wire(lines: &[&str]) -> String {
        use crate::engine::{resp, Protocol};
        let mut e = Engine::new(Config::default());
        let a = e.connect(0);
        let mut bytes = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let out = e.execute(a, argv(line), i as u64 + 1);
            let at = out.reply_at.min(out.deliveries.len());
            let frames = out.deliveries[..at].iter().map(|d| &d.frame);
            let frames = frames.chain(out.reply.as_ref());
            for f in frames.chain(out.deliveries[at..].iter().map(|d| &d.frame)) {
                resp::encode_into(&mut bytes, f, Protocol::Resp2);
            }
        }
        String::from_utf8(bytes).unwrap().replace("\r\n", " ")
    }

    /// What redis-server 7.0.15 and 8.0.2 write (recorded over a socket, both alike).
    #[test]
    fn client_reply_queued_in_multi_acts_when_exec_runs_it() {
        let q = "+OK +QUEUED +QUEUED +QUEUED";
        // OFF drops its own reply and every later one: the array stays short.
        let lines = [
            "MULTI",
            "SET a 1",
            "CLIENT REPLY OFF",
            "GET a",
            "EXEC",
            "PING x",
        ];
        let on = ["CLIENT REPLY ON", "PING y"];
        assert_eq!(
            wire(&[&lines[..], &on[..]].concat()),
            format!("{q} *3 +OK +OK $1 y ")
        );
        // SKIP writes nothing and silences the command after EXEC.
        let lines = [
            "MULTI",
            "SET a 1",
            "CLIENT REPLY SKIP",
            "GET a",
            "EXEC",
            "PING x",
        ];
        assert_eq!(
            wire(&[&lines[..], &["PING y"][..]].concat()),
            format!("{q} *3 +OK $1 1 $1 y ")
        );
        // ON after OFF writes again.
        let lines = [
            "MULTI",
            "PING a",
            "CLIENT REPLY OFF",
            "PING b",
            "CLIENT REPLY ON",
            "PING c",
            "EXEC",
            "PING y",
        ];
        assert_eq!(
            wire(&lines),
            "+OK +QUEUED +QUEUED +QUEUED +QUEUED +QUEUED *5 $1 a +OK $1 c $1 y "
        );
        // OFF before MULTI drops the header; a queued ON lets the rest out as frames.
        let lines = [
            "CLIENT REPLY OFF",
            "MULTI",
            "PING a",
            "CLIENT REPLY ON",
            "PING b",
            "EXEC",
            "PING y",
        ];
        assert_eq!(wire(&lines), "+OK $1 b $1 y ");
        // SKIP then ON: ON does not end a pending SKIP.
        let lines = [
            "MULTI",
            "CLIENT REPLY SKIP",
            "PING b",
            "CLIENT REPLY ON",
            "EXEC",
        ];
        assert_eq!(
            wire(&[&lines[..], &["PING z", "PING y"][..]].concat()),
            format!("{q} *3 $1 b +OK $1 y ")
        );
    }

    #[test]
    fn the_flags_survive_save_and_load() {
        let mut e = Engine::new(Config::default());
        let a = e.connect(0);
        e.execute(a, argv("CLIENT REPLY OFF"), 1);
        let mut loaded = Engine::load(&e.save()).unwrap();
        assert_eq!(loaded.execute(a, argv("PING"), 2).reply, None);
    }
}
