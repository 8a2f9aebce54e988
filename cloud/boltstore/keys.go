package boltstore

// Key layout. Everything is JSON unless noted; integers are 8-byte big-endian so that
// bbolt's byte order is numeric order.
//
//	registry/                      the global registry (RegistryTx)
//	  tenants       id -> Tenant
//	  orgunits      id -> OrgUnit (IDs are unique across tenants: intake routes by them)
//	  users         tenant 0x00 id -> User (with its verifier, invitation and lockout)
//	  invitations   invitation hash -> tenant 0x00 user id (the user's current one)
//	  grants        tenant 0x00 device id 0x00 grant id -> Grant (windows of grants)
//	  absences      tenant 0x00 absence id -> Absence
//	  keys          "grant" -> the Ed25519 private key that signs grants (raw bytes)
//	  enrollments   codeHash -> Enrollment
//	  devices       id -> Device
//	  devtokens     tokenHash -> device id
//	  devcodes      tenant 0x00 code -> device id (a device code is unique in its tenant)
//	  intakecreds   id -> IntakeCredential
//	  intaketokens  tokenHash -> credential id
//	  verify        code -> Verification
//
//	tenants/<tenant id>/           one bucket per tenant; a TenantTx holds only this
//	                               bucket, so no method can reach another tenant's keys
//	  meta          "lastchange" -> u64, the highest change seq handed out
//	                "storedbytes" -> u64, the sum of the lengths of all chunk values
//	                (kept by every chunk write; counted once at Open for tenants
//	                from before it existed)
//	                "quota" -> cloud.Quota (absent: the service's defaults)
//	                "filenoindex" -> "1" once fileno and casefileno hold every head
//	  heads         case id -> model.Case without comments and messages (the case
//	                head, cloud.TenantTx.CaseHead); those live only in the log
//	  history       case id 0x00 u64(seq) -> model.HistoryEntry
//	  log           u64(seq) -> u64(tx) ++ u16(len(case id)) ++ case id ++
//	                wire.Change JSON; tx is the change's Tx (or the first seq of the
//	                same Update when it has none), kept beside the JSON with the case
//	                so a page is built without decoding it; the JSON is stored once
//	                and served as is
//	  caselog       case id 0x00 u64(seq) -> empty, the log entries of one case
//	  epochs        u64(seq) -> the epoch of the log entries from seq on, up to the
//	                next key (TenantTx.AppendEpoch; one key per run of the service
//	                that appended, since bbolt has one writer); entries before the
//	                first key have none
//	  devseq        device id -> u64(last applied mutation seq)
//	  holders       device id -> the incarnation of the store the service accepted
//	                last (cloud.Fences)
//	  sums          one bucket per device id: u64(seq) -> the sum of the mutation
//	                the service consumed with that seq (model.Mutation.Sum)
//	  fileno        file number 0x00 case id -> empty, the cases holding a number
//	                (several only for a duplicate stored before the service checked)
//	  casefileno    case id -> its file number, to move its fileno entry when the
//	                head changes (kept by PutCaseHead; built at Open for a tenant
//	                from before, then meta "filenoindex" is set)
//	  conflicts     conflict id -> wire.Conflict
//	  caseconflicts case id 0x00 conflict id -> empty (conflicts of one case)
//	  intakes       transactionId -> case id
//	  chunks        raw sha256 (32 bytes) ++ u32(index) -> chunk bytes
//	  blobs         raw sha256 (32 bytes) -> u64(size) ++ u32(chunks)
//
// Format 1 kept whole cases under "cases" and a log entry holding the whole case
// under "changes" (u64(tx) ++ JSON); Open moves such a tenant to the layout above
// (migrate.go).
//
// Chunks live in bbolt, not as files beside it. A 50 MB attachment is 50 chunk
// transactions of 1 MB each (one overflow run and one fsync apiece, a few ms), and in
// return a chunk commits atomically with whatever else its transaction writes, a
// backup is one file, tenant isolation stays structural (the chunks bucket is inside
// the tenant's bucket) and a crash cannot leave orphan files to sweep. The price is a
// database file that grows with the attachments (bbolt reuses freed pages but never
// shrinks the file) and a writer lock held for the length of one chunk's commit.

var (
	bucketRegistry = []byte("registry")
	bucketTenants  = []byte("tenants")

	regTenants      = []byte("tenants")
	regOrgUnits     = []byte("orgunits")
	regUsers        = []byte("users")
	regEnrollments  = []byte("enrollments")
	regDevices      = []byte("devices")
	regDevTokens    = []byte("devtokens")
	regDevCodes     = []byte("devcodes")
	regIntakeCreds  = []byte("intakecreds")
	regIntakeTokens = []byte("intaketokens")
	regVerify       = []byte("verify")
	regInvitations  = []byte("invitations")
	regGrants       = []byte("grants")
	regAbsences     = []byte("absences")
	regKeys         = []byte("keys")

	keyGrant = []byte("grant")

	tMeta          = []byte("meta")
	tHeads         = []byte("heads")
	tHistory       = []byte("history")
	tLog           = []byte("log")
	tCaseLog       = []byte("caselog")
	tDevSeq        = []byte("devseq")
	tConflicts     = []byte("conflicts")
	tCaseConflicts = []byte("caseconflicts")
	tIntakes       = []byte("intakes")
	tChunks        = []byte("chunks")
	tBlobs         = []byte("blobs")
	tHolders       = []byte("holders")
	tEpochs        = []byte("epochs")
	tSums          = []byte("sums")
	tFileNo        = []byte("fileno")
	tCaseFileNo    = []byte("casefileno")

	metaLastChange  = []byte("lastchange")
	metaStoredBytes = []byte("storedbytes")
	metaQuota       = []byte("quota")
	metaFileNoIndex = []byte("filenoindex")
)

var registryBuckets = [][]byte{regTenants, regOrgUnits, regUsers, regEnrollments, regDevices,
	regDevTokens, regDevCodes, regIntakeCreds, regIntakeTokens, regVerify,
	regInvitations, regGrants, regAbsences, regKeys}

var tenantBuckets = [][]byte{tMeta, tHeads, tHistory, tLog, tCaseLog, tDevSeq, tConflicts,
	tCaseConflicts, tIntakes, tChunks, tBlobs, tHolders, tSums, tFileNo, tCaseFileNo, tEpochs}
