package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// Bucket and key layouts of the store file. Integers in keys are big-endian so that
// cursors iterate in numeric order. Every bucket is created in Open.
//
//	meta       small fixed keys:
//	           "schema"       -> uint64 BE, the schema version (schemaVersion)
//	           "device"       -> device code for file numbers, e.g. "A7" (fixed at first open)
//	           "deviceID"     -> UUID string made at first open; mutation IDs are "deviceID:seq"
//	           "outboxSeq"    -> uint64 BE, the last outbox seq handed out (never reused,
//	                             even when the sync client removes sent entries)
//	           "municipality" -> JSON of Municipality
//	cases      caseID (UUID string as bytes) -> JSON of model.Case
//	history    caseID + 0x00 + seq (uint64 BE) -> JSON of model.HistoryEntry; the
//	           case's HistoryHead anchors the chain, so a removed last entry shows
//	outbox     seq (uint64 BE) -> JSON of model.Mutation, in commit order
//	rows       caseID -> index.Row.MarshalBinary(), the list row of the case
//	fileno     file number (string) -> caseID
//	followups  day (uint32 BE of the DayNumber of FollowUp.Due with the sign bit flipped,
//	           so earlier days sort first) + caseID + 0x00 + followUpID -> JSON of
//	           model.FollowUp; only open follow-ups are held
//	counters   prefix + "|" + year (4 digits) + "|" + device -> uint64 BE, the last
//	           file-number seq handed out for that prefix, year and device
//	clerks     clerkID -> JSON of model.Clerk
//	settings   key (string) -> value, what this PC keeps besides the cases (settings.go,
//	           settings_letters.go); local, never synced. An empty value reads as missing
//	           (older versions wrote "" for "none"):
//	           "sync_orgunits"          -> JSON []OrgUnit from the directory
//	           "session.idle_lock"      -> JSON seconds without input before the window
//	                                       locks (absent: DefaultIdleLock)
//	           "mail.settings"          -> JSON of MailSettings (holds the mailbox password)
//	           "mail.imported.today"    -> "YYYY-MM-DD N", mails the intake imported that day
//	           "sign.kind", "sign.p12.file", "sign.p12.name", "sign.pkcs11.module",
//	           "sign.pkcs11.token", "sign.pkcs11.key", "sign.tsa" -> the fields of
//	                                       SigningKey, one plain string each
//	           "sign.demo"              -> "1" when the key file is a demo store's
//	           "letters.letterhead"     -> JSON of decision.Letterhead
//	           "letters.templates"      -> JSON map[template ID]LetterTemplate (changed ones)
//	           "letters.remedies"       -> JSON map[case type prefix]Remedy
//	           "decision.draft." + clerk ID + "/" + case ID -> JSON of DecisionDraft, the
//	                                       draft of that clerk (versions before sign-in
//	                                       wrote "decision.draft." + case ID; Open
//	                                       moves such a draft to the case's assignee)
//	           "current_clerk"          -> written by versions before sign-in (the clerk
//	                                       chosen last); no longer read
//	mailledger the e-mail import ledger, two kinds of keys, each -> JSON of MailEntry:
//	           "u" + folder + 0x00 + UIDVALIDITY (uint32 BE) + UID (uint32 BE), one per
//	           mail seen in the mailbox; "h" + hex SHA-256 of the raw message, the first
//	           entry of that content (a mail seen again under another UID)
//	sync       the sync client's state, small fixed keys:
//	           "identity" -> JSON of SyncIdentity (server, device ID, token, tenant,
//	                         device code, pinned certificate); absent before enrollment
//	           "cursor"   -> uint64 BE, the tenant change-log seq of the last page applied
//	           "seen"     -> uint64 BE, the highest seq of this device's own mutations the
//	                         server has consumed (from push answers and from the change
//	                         log); pending mutations at or below it are not rebased again
//	           "lastSync" -> RFC 3339 time of the last successful push or pull
//	base       caseID -> JSON of model.Case as the server had it at the stored cursor,
//	           kept while the case here may differ from that: written by the first
//	           local change after enrollment, replaced by every pulled change while
//	           local work is pending, dropped when a pulled page or an undo leaves
//	           the case equal to it (not when a push is acknowledged: the change
//	           arrives with a later page, as a patch of this state). Without an
//	           entry, the case stored is the server's state (or one made before
//	           enrollment, which the server sends whole). An empty value means
//	           the case was made here and the server had not confirmed it. A pulled
//	           patch applies to this state, and a rejected or conflicting mutation is
//	           undone by rebuilding the case from here.
//	conflicts  conflict ID -> JSON of Conflict (model.Conflict plus when it arrived and
//	           whether the clerk resolved it)
//	rejected   seq (uint64 BE) of the rejected mutation -> JSON of Rejected (the mutation
//	           and the server's German reason), until the clerk dismisses it; those of
//	           an identity this PC left when it re-enrolled from 1<<63 up
//	           (moveRejections)
//	unapplied  seq (uint64 BE) of a pending mutation -> the error text, when rebasing
//	           could not re-apply it to the server's newer case; the server decides
//	consumed   seq (uint64 BE) -> empty, pending mutations of this PC whose change the
//	           change log already showed (applied or in conflict) before the push answer
//	           came; cleared when the answer removes them from the outbox
//	unsure     seq (uint64 BE) -> JSON of model.Mutation, a mutation the server answered
//	           "skipped" (it decided in an answer that was lost) and whose change has
//	           not been seen; the case keeps showing it (rebuilds apply it like a
//	           pending one, and the base is kept); a complete pull after that push
//	           either shows the change or proves there is none, and SettleUnsure lists
//	           the rest as rejected and rebuilds their cases from the base
//	sent       seq (uint64 BE) -> JSON of model.Mutation, the last maxSent mutations the
//	           service acknowledged (applied, in conflict or skipped), so that they are
//	           sent again if the service is restored from a backup that lost them
//	           (syncfence.go); the sync bucket also holds "incarnation", "replaces",
//	           "acked", "epoch", "epochs" (the last 16 seen), "probe" and "notice"
//	           (syncfence.go)
//	wanted     blob SHA-256 (hex) -> uint64 BE size, attachments of pulled cases that are
//	           not on this PC yet; the sync client downloads them and PlaceBlob clears
//	           the entry
//	notaccepted caseID -> JSON of NotAccepted: a case made here whose creation the
//	           service rejected; it stays until a clerk resubmits or discards it
//	users      clerkID -> JSON of LocalUser: what this PC keeps to sign the clerk in
//	           (Argon2id verifier, lockout, grant, invitation hash, deactivation)
//	absences   absence ID -> JSON of Absence (Vertretung), from the directory or
//	           recorded here (pending until the service has it)
//	scans      blob SHA-256 (hex) -> JSON of model.ScanVerdict, what this PC's virus
//	           scanner said about the content; local, never synced (scans.go)
//
// Schema versions: 1 had meta, cases, history and outbox (the other buckets of 1 are
// created by Open when missing); 2 added rows, fileno and followups, which migrate1to2
// builds from the cases, raising the counters to the highest file number seen.
// mailledger came later without a schema bump: Open creates it when missing, and an
// empty ledger is right for a store that never imported mail. The sync buckets (sync,
// base, conflicts, rejected, unapplied, wanted) came the same way: empty is the state of
// a store that was never enrolled. notaccepted, users and absences came with
// sign-in, also without a bump; scans came with the virus scanner, also without a
// bump (empty: nothing scanned yet); Open moves the decision drafts of older versions to
// the per-clerk keys when it creates the users bucket.
var (
	bucketMeta        = []byte("meta")
	bucketCases       = []byte("cases")
	bucketHistory     = []byte("history")
	bucketOutbox      = []byte("outbox")
	bucketRows        = []byte("rows")
	bucketFileNo      = []byte("fileno")
	bucketFollowUps   = []byte("followups")
	bucketCounters    = []byte("counters")
	bucketClerks      = []byte("clerks")
	bucketSettings    = []byte("settings")
	bucketMailLedger  = []byte("mailledger")
	bucketSync        = []byte("sync")
	bucketBase        = []byte("base")
	bucketConflicts   = []byte("conflicts")
	bucketRejected    = []byte("rejected")
	bucketUnapplied   = []byte("unapplied")
	bucketWanted      = []byte("wanted")
	bucketConsumed    = []byte("consumed")
	bucketUnsure      = []byte("unsure")
	bucketSent        = []byte("sent")
	bucketNotAccepted = []byte("notaccepted")
	bucketUsers       = []byte("users")
	bucketAbsences    = []byte("absences")
	bucketScans       = []byte("scans")

	allBuckets = [][]byte{
		bucketMeta, bucketCases, bucketHistory, bucketOutbox, bucketRows,
		bucketFileNo, bucketFollowUps, bucketCounters, bucketClerks, bucketSettings,
		bucketMailLedger,
		bucketSync, bucketBase, bucketConflicts, bucketRejected, bucketUnapplied, bucketWanted,
		bucketConsumed, bucketUnsure, bucketSent, bucketNotAccepted, bucketUsers, bucketAbsences,
		bucketScans,
	}
)

var (
	metaSchema       = []byte("schema")
	metaDevice       = []byte("device")
	metaDeviceID     = []byte("deviceID")
	metaOutboxSeq    = []byte("outboxSeq")
	metaMunicipality = []byte("municipality")

	syncIdentity = []byte("identity")
	syncCursor   = []byte("cursor")
	syncSeen     = []byte("seen")
	syncLastSync = []byte("lastSync")
	// syncfence.go
	syncIncarnation = []byte("incarnation")
	syncReplaces    = []byte("replaces")
	syncAcked       = []byte("acked")
	syncEpoch       = []byte("epoch")
	syncEpochs      = []byte("epochs")
	syncNotice      = []byte("notice")
	syncProbe       = []byte("probe")
)

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func readU64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// historyKey returns caseID + 0x00 + seq; the 0x00 keeps one case's entries apart
// from those of a case whose ID extends this one.
func historyKey(caseID string, seq uint64) []byte {
	k := make([]byte, len(caseID)+9)
	copy(k, caseID)
	binary.BigEndian.PutUint64(k[len(caseID)+1:], seq)
	return k
}

func historyPrefix(caseID string) []byte {
	k := make([]byte, len(caseID)+1)
	copy(k, caseID)
	return k
}

// parseHistoryKey splits a history key into case ID and seq.
func parseHistoryKey(k []byte) (string, uint64, bool) {
	if len(k) < 9 || k[len(k)-9] != 0 {
		return "", 0, false
	}
	return string(k[:len(k)-9]), binary.BigEndian.Uint64(k[len(k)-8:]), true
}

// dayKey maps a DayNumber to 4 bytes that sort like the numbers, negatives included.
func dayKey(day int32) []byte {
	b := make([]byte, 4)
	binary.BigEndian.PutUint32(b, uint32(day)^0x80000000)
	return b
}

func followUpKey(day int32, caseID, followUpID string) []byte {
	k := make([]byte, 0, 4+len(caseID)+1+len(followUpID))
	k = append(k, dayKey(day)...)
	k = append(k, caseID...)
	k = append(k, 0)
	k = append(k, followUpID...)
	return k
}

func parseFollowUpKey(k []byte) (day int32, caseID, followUpID string, ok bool) {
	if len(k) < 5 {
		return 0, "", "", false
	}
	day = int32(binary.BigEndian.Uint32(k[:4]) ^ 0x80000000)
	rest := k[4:]
	i := bytes.IndexByte(rest, 0)
	if i < 0 {
		return 0, "", "", false
	}
	return day, string(rest[:i]), string(rest[i+1:]), true
}

func counterKey(prefix string, year int, device string) []byte {
	return []byte(fmt.Sprintf("%s|%04d|%s", prefix, year, device))
}

// parseFileNumber splits a file number made by model.FileNumber
// (PREFIX-YEAR-SEQ-DEVICE); migrations use it to rebuild the counters.
func parseFileNumber(fn string) (prefix string, year int, seq uint64, device string, ok bool) {
	parts := strings.Split(fn, "-")
	if len(parts) != 4 {
		return "", 0, 0, "", false
	}
	y, err := strconv.Atoi(parts[1])
	if err != nil {
		return "", 0, 0, "", false
	}
	s, err := strconv.ParseUint(parts[2], 10, 64)
	if err != nil {
		return "", 0, 0, "", false
	}
	return parts[0], y, s, parts[3], true
}
