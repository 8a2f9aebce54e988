export namespace app {
	
	export class AbsenceInput {
	    absent: string;
	    substitute: string;
	    from: string;
	    to: string;
	
	    static createFrom(source: any = {}) {
	        return new AbsenceInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.absent = source["absent"];
	        this.substitute = source["substitute"];
	        this.from = source["from"];
	        this.to = source["to"];
	    }
	}
	export class AbsenceView {
	    id: string;
	    absent: string;
	    absentName: string;
	    substitute: string;
	    substituteName: string;
	    from: string;
	    to: string;
	    now: boolean;
	    state: string;
	    refused: boolean;
	    mayDelete: boolean;
	
	    static createFrom(source: any = {}) {
	        return new AbsenceView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.absent = source["absent"];
	        this.absentName = source["absentName"];
	        this.substitute = source["substitute"];
	        this.substituteName = source["substituteName"];
	        this.from = source["from"];
	        this.to = source["to"];
	        this.now = source["now"];
	        this.state = source["state"];
	        this.refused = source["refused"];
	        this.mayDelete = source["mayDelete"];
	    }
	}
	export class ActionView {
	    action: string;
	    label: string;
	    needsReason: boolean;
	    destructive: boolean;
	    confirm: string;
	
	    static createFrom(source: any = {}) {
	        return new ActionView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.action = source["action"];
	        this.label = source["label"];
	        this.needsReason = source["needsReason"];
	        this.destructive = source["destructive"];
	        this.confirm = source["confirm"];
	    }
	}
	export class ApplicantView {
	    name: string;
	    street: string;
	    postalCode: string;
	    city: string;
	    email: string;
	    phone: string;
	    postfach: string;
	
	    static createFrom(source: any = {}) {
	        return new ApplicantView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.street = source["street"];
	        this.postalCode = source["postalCode"];
	        this.city = source["city"];
	        this.email = source["email"];
	        this.phone = source["phone"];
	        this.postfach = source["postfach"];
	    }
	}
	export class ArchiveEntry {
	    name: string;
	    size: number;
	    dangerous: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ArchiveEntry(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.size = source["size"];
	        this.dangerous = source["dangerous"];
	    }
	}
	export class AttachmentView {
	    id: string;
	    name: string;
	    mediaType: string;
	    size: number;
	    addedAt: string;
	    addedBy: string;
	    url: string;
	    preview: string;
	    scan: string;
	    scanLabel: string;
	    scanMessage: string;
	
	    static createFrom(source: any = {}) {
	        return new AttachmentView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.mediaType = source["mediaType"];
	        this.size = source["size"];
	        this.addedAt = source["addedAt"];
	        this.addedBy = source["addedBy"];
	        this.url = source["url"];
	        this.preview = source["preview"];
	        this.scan = source["scan"];
	        this.scanLabel = source["scanLabel"];
	        this.scanMessage = source["scanMessage"];
	    }
	}
	export class BlockForm {
	    kind: string;
	    title: string;
	    text: string;
	
	    static createFrom(source: any = {}) {
	        return new BlockForm(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.title = source["title"];
	        this.text = source["text"];
	    }
	}
	export class BulkFailed {
	    id: string;
	    fileNumber: string;
	    status: string;
	    reason: string;
	    ask: boolean;
	
	    static createFrom(source: any = {}) {
	        return new BulkFailed(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.fileNumber = source["fileNumber"];
	        this.status = source["status"];
	        this.reason = source["reason"];
	        this.ask = source["ask"];
	    }
	}
	export class BulkResult {
	    done: number;
	    failed: BulkFailed[];
	    ask: BulkFailed[];
	
	    static createFrom(source: any = {}) {
	        return new BulkResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.done = source["done"];
	        this.failed = this.convertValues(source["failed"], BulkFailed);
	        this.ask = this.convertValues(source["ask"], BulkFailed);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class CAChoice {
	    name: string;
	
	    static createFrom(source: any = {}) {
	        return new CAChoice(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	    }
	}
	export class DecisionView {
	    id: string;
	    title: string;
	    createdAt: string;
	    signed: boolean;
	    signedAt: string;
	    supersededBy: string;
	    supersedes: string;
	    document?: AttachmentView;
	    posted: string;
	
	    static createFrom(source: any = {}) {
	        return new DecisionView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.title = source["title"];
	        this.createdAt = source["createdAt"];
	        this.signed = source["signed"];
	        this.signedAt = source["signedAt"];
	        this.supersededBy = source["supersededBy"];
	        this.supersedes = source["supersedes"];
	        this.document = this.convertValues(source["document"], AttachmentView);
	        this.posted = source["posted"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class MessageView {
	    id: string;
	    direction: string;
	    state: string;
	    stateLabel: string;
	    subject: string;
	    body: string;
	    at: string;
	    by: string;
	
	    static createFrom(source: any = {}) {
	        return new MessageView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.direction = source["direction"];
	        this.state = source["state"];
	        this.stateLabel = source["stateLabel"];
	        this.subject = source["subject"];
	        this.body = source["body"];
	        this.at = source["at"];
	        this.by = source["by"];
	    }
	}
	export class FollowUpView {
	    id: string;
	    due: string;
	    reason: string;
	    by: string;
	    owner: string;
	    mine: boolean;
	    done: boolean;
	    doneAt: string;
	    state: string;
	
	    static createFrom(source: any = {}) {
	        return new FollowUpView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.due = source["due"];
	        this.reason = source["reason"];
	        this.by = source["by"];
	        this.owner = source["owner"];
	        this.mine = source["mine"];
	        this.done = source["done"];
	        this.doneAt = source["doneAt"];
	        this.state = source["state"];
	    }
	}
	export class CommentView {
	    id: string;
	    at: string;
	    by: string;
	    text: string;
	
	    static createFrom(source: any = {}) {
	        return new CommentView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.at = source["at"];
	        this.by = source["by"];
	        this.text = source["text"];
	    }
	}
	export class HistoryView {
	    seq: number;
	    at: string;
	    by: string;
	    summary: string;
	
	    static createFrom(source: any = {}) {
	        return new HistoryView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.seq = source["seq"];
	        this.at = source["at"];
	        this.by = source["by"];
	        this.summary = source["summary"];
	    }
	}
	export class FormNode {
	    label: string;
	    value: string;
	    items: FormNode[];
	
	    static createFrom(source: any = {}) {
	        return new FormNode(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.label = source["label"];
	        this.value = source["value"];
	        this.items = this.convertValues(source["items"], FormNode);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class CaseDetail {
	    id: string;
	    revision: string;
	    fileNumber: string;
	    title: string;
	    type: string;
	    typeLabel: string;
	    channel: string;
	    channelLabel: string;
	    received: string;
	    status: string;
	    statusLabel: string;
	    assignee: string;
	    assigneeName: string;
	    orgUnit: string;
	    legalDeadline: string;
	    targetDeadline: string;
	    overdue: boolean;
	    applicant: ApplicantView;
	    form: FormNode[];
	    representation?: AttachmentView;
	    attachments: AttachmentView[];
	    history: HistoryView[];
	    comments: CommentView[];
	    followUps: FollowUpView[];
	    messages: MessageView[];
	    decisions: DecisionView[];
	    actions: ActionView[];
	    mayAssignOthers: boolean;
	    substitute: string;
	    notAccepted: string;
	    scanNotices: string[];
	
	    static createFrom(source: any = {}) {
	        return new CaseDetail(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.revision = source["revision"];
	        this.fileNumber = source["fileNumber"];
	        this.title = source["title"];
	        this.type = source["type"];
	        this.typeLabel = source["typeLabel"];
	        this.channel = source["channel"];
	        this.channelLabel = source["channelLabel"];
	        this.received = source["received"];
	        this.status = source["status"];
	        this.statusLabel = source["statusLabel"];
	        this.assignee = source["assignee"];
	        this.assigneeName = source["assigneeName"];
	        this.orgUnit = source["orgUnit"];
	        this.legalDeadline = source["legalDeadline"];
	        this.targetDeadline = source["targetDeadline"];
	        this.overdue = source["overdue"];
	        this.applicant = this.convertValues(source["applicant"], ApplicantView);
	        this.form = this.convertValues(source["form"], FormNode);
	        this.representation = this.convertValues(source["representation"], AttachmentView);
	        this.attachments = this.convertValues(source["attachments"], AttachmentView);
	        this.history = this.convertValues(source["history"], HistoryView);
	        this.comments = this.convertValues(source["comments"], CommentView);
	        this.followUps = this.convertValues(source["followUps"], FollowUpView);
	        this.messages = this.convertValues(source["messages"], MessageView);
	        this.decisions = this.convertValues(source["decisions"], DecisionView);
	        this.actions = this.convertValues(source["actions"], ActionView);
	        this.mayAssignOthers = source["mayAssignOthers"];
	        this.substitute = source["substitute"];
	        this.notAccepted = source["notAccepted"];
	        this.scanNotices = source["scanNotices"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class CaseRow {
	    id: string;
	    fileNumber: string;
	    applicant: string;
	    type: string;
	    typeLabel: string;
	    received: string;
	    status: string;
	    statusLabel: string;
	    assignee: string;
	    assigneeName: string;
	    deadline: string;
	    overdue: boolean;
	    followUpDue: boolean;
	    substitute: string;
	    notAccepted: boolean;
	    scan: string;
	
	    static createFrom(source: any = {}) {
	        return new CaseRow(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.fileNumber = source["fileNumber"];
	        this.applicant = source["applicant"];
	        this.type = source["type"];
	        this.typeLabel = source["typeLabel"];
	        this.received = source["received"];
	        this.status = source["status"];
	        this.statusLabel = source["statusLabel"];
	        this.assignee = source["assignee"];
	        this.assigneeName = source["assigneeName"];
	        this.deadline = source["deadline"];
	        this.overdue = source["overdue"];
	        this.followUpDue = source["followUpDue"];
	        this.substitute = source["substitute"];
	        this.notAccepted = source["notAccepted"];
	        this.scan = source["scan"];
	    }
	}
	export class ClerkView {
	    id: string;
	    name: string;
	    role: string;
	    roleLabel: string;
	
	    static createFrom(source: any = {}) {
	        return new ClerkView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.role = source["role"];
	        this.roleLabel = source["roleLabel"];
	    }
	}
	
	export class ConflictView {
	    id: string;
	    caseId: string;
	    fileNumber: string;
	    applicant: string;
	    field: string;
	    fieldLabel: string;
	    kind: string;
	    serverValue: string;
	    clientValue: string;
	    serverRaw: string;
	    clientRaw: string;
	    serverAuthor: string;
	    clientAuthor: string;
	    serverAt: string;
	    clientAt: string;
	    receivedAt: string;
	    open: boolean;
	    resolvedAt: string;
	    resolvedBy: string;
	    resolution: string;
	
	    static createFrom(source: any = {}) {
	        return new ConflictView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.caseId = source["caseId"];
	        this.fileNumber = source["fileNumber"];
	        this.applicant = source["applicant"];
	        this.field = source["field"];
	        this.fieldLabel = source["fieldLabel"];
	        this.kind = source["kind"];
	        this.serverValue = source["serverValue"];
	        this.clientValue = source["clientValue"];
	        this.serverRaw = source["serverRaw"];
	        this.clientRaw = source["clientRaw"];
	        this.serverAuthor = source["serverAuthor"];
	        this.clientAuthor = source["clientAuthor"];
	        this.serverAt = source["serverAt"];
	        this.clientAt = source["clientAt"];
	        this.receivedAt = source["receivedAt"];
	        this.open = source["open"];
	        this.resolvedAt = source["resolvedAt"];
	        this.resolvedBy = source["resolvedBy"];
	        this.resolution = source["resolution"];
	    }
	}
	export class Counts {
	    all: number;
	    mine: number;
	    unassigned: number;
	    overdue: number;
	    followUp: number;
	    byStatus: Record<string, number>;
	    pending: number;
	
	    static createFrom(source: any = {}) {
	        return new Counts(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.all = source["all"];
	        this.mine = source["mine"];
	        this.unassigned = source["unassigned"];
	        this.overdue = source["overdue"];
	        this.followUp = source["followUp"];
	        this.byStatus = source["byStatus"];
	        this.pending = source["pending"];
	    }
	}
	export class DecisionBlock {
	    kind: string;
	    label: string;
	    title: string;
	    text: string;
	
	    static createFrom(source: any = {}) {
	        return new DecisionBlock(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.label = source["label"];
	        this.title = source["title"];
	        this.text = source["text"];
	    }
	}
	export class DecisionValue {
	    name: string;
	    label: string;
	    value: string;
	    multiline: boolean;
	
	    static createFrom(source: any = {}) {
	        return new DecisionValue(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.label = source["label"];
	        this.value = source["value"];
	        this.multiline = source["multiline"];
	    }
	}
	export class DecisionDraft {
	    caseId: string;
	    templateId: string;
	    templateName: string;
	    fee: boolean;
	    feeAmount: string;
	    feeDue: string;
	    values: DecisionValue[];
	    blocks: DecisionBlock[];
	    supersedes: string;
	    supersedesTitle: string;
	    updatedAt: string;
	
	    static createFrom(source: any = {}) {
	        return new DecisionDraft(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.caseId = source["caseId"];
	        this.templateId = source["templateId"];
	        this.templateName = source["templateName"];
	        this.fee = source["fee"];
	        this.feeAmount = source["feeAmount"];
	        this.feeDue = source["feeDue"];
	        this.values = this.convertValues(source["values"], DecisionValue);
	        this.blocks = this.convertValues(source["blocks"], DecisionBlock);
	        this.supersedes = source["supersedes"];
	        this.supersedesTitle = source["supersedesTitle"];
	        this.updatedAt = source["updatedAt"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class SigningKeyView {
	    kind: string;
	    label: string;
	    fileName: string;
	    module: string;
	    tokenLabel: string;
	    keyLabel: string;
	    tsaUrl: string;
	    tsaRoots: string;
	    demo: boolean;
	    demoPassword: string;
	    secretLabel: string;
	    subject: string;
	    validUntil: string;
	    keyType: string;
	    mayEdit: boolean;
	
	    static createFrom(source: any = {}) {
	        return new SigningKeyView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.label = source["label"];
	        this.fileName = source["fileName"];
	        this.module = source["module"];
	        this.tokenLabel = source["tokenLabel"];
	        this.keyLabel = source["keyLabel"];
	        this.tsaUrl = source["tsaUrl"];
	        this.tsaRoots = source["tsaRoots"];
	        this.demo = source["demo"];
	        this.demoPassword = source["demoPassword"];
	        this.secretLabel = source["secretLabel"];
	        this.subject = source["subject"];
	        this.validUntil = source["validUntil"];
	        this.keyType = source["keyType"];
	        this.mayEdit = source["mayEdit"];
	    }
	}
	export class DecisionTemplateView {
	    id: string;
	    name: string;
	    hasFee: boolean;
	    feeRequired: boolean;
	
	    static createFrom(source: any = {}) {
	        return new DecisionTemplateView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.hasFee = source["hasFee"];
	        this.feeRequired = source["feeRequired"];
	    }
	}
	export class DecisionEditorState {
	    templates: DecisionTemplateView[];
	    draft: DecisionDraft;
	    key: SigningKeyView;
	    mayDecide: boolean;
	    reason: string;
	    supersedes: string;
	
	    static createFrom(source: any = {}) {
	        return new DecisionEditorState(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.templates = this.convertValues(source["templates"], DecisionTemplateView);
	        this.draft = this.convertValues(source["draft"], DecisionDraft);
	        this.key = this.convertValues(source["key"], SigningKeyView);
	        this.mayDecide = source["mayDecide"];
	        this.reason = source["reason"];
	        this.supersedes = source["supersedes"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class DecisionPreview {
	    pdf: string;
	    pages: number;
	    verificationCode: string;
	    id: string;
	    problem: string;
	    field: string;
	
	    static createFrom(source: any = {}) {
	        return new DecisionPreview(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.pdf = source["pdf"];
	        this.pages = source["pages"];
	        this.verificationCode = source["verificationCode"];
	        this.id = source["id"];
	        this.problem = source["problem"];
	        this.field = source["field"];
	    }
	}
	
	
	
	export class DueFollowUp {
	    caseId: string;
	    fileNumber: string;
	    applicant: string;
	    followUpId: string;
	    due: string;
	    reason: string;
	    overdue: boolean;
	    owner: string;
	    mine: boolean;
	
	    static createFrom(source: any = {}) {
	        return new DueFollowUp(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.caseId = source["caseId"];
	        this.fileNumber = source["fileNumber"];
	        this.applicant = source["applicant"];
	        this.followUpId = source["followUpId"];
	        this.due = source["due"];
	        this.reason = source["reason"];
	        this.overdue = source["overdue"];
	        this.owner = source["owner"];
	        this.mine = source["mine"];
	    }
	}
	
	
	
	export class UserView {
	    id: string;
	    name: string;
	    role: string;
	    roleLabel: string;
	    state: string;
	    deactivated: boolean;
	
	    static createFrom(source: any = {}) {
	        return new UserView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.role = source["role"];
	        this.roleLabel = source["roleLabel"];
	        this.state = source["state"];
	        this.deactivated = source["deactivated"];
	    }
	}
	export class InvitationView {
	    user: UserView;
	    code: string;
	    expires: string;
	
	    static createFrom(source: any = {}) {
	        return new InvitationView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.user = this.convertValues(source["user"], UserView);
	        this.code = source["code"];
	        this.expires = source["expires"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class LetterPreview {
	    pdf: string;
	    pages: number;
	
	    static createFrom(source: any = {}) {
	        return new LetterPreview(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.pdf = source["pdf"];
	        this.pages = source["pages"];
	    }
	}
	export class RemedyForm {
	    caseType: string;
	    caseTypeLabel: string;
	    kind: string;
	    body: string;
	    address: string;
	    period: string;
	    default: boolean;
	
	    static createFrom(source: any = {}) {
	        return new RemedyForm(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.caseType = source["caseType"];
	        this.caseTypeLabel = source["caseTypeLabel"];
	        this.kind = source["kind"];
	        this.body = source["body"];
	        this.address = source["address"];
	        this.period = source["period"];
	        this.default = source["default"];
	    }
	}
	export class TemplateForm {
	    id: string;
	    name: string;
	    blocks: BlockForm[];
	    changed: boolean;
	
	    static createFrom(source: any = {}) {
	        return new TemplateForm(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.blocks = this.convertValues(source["blocks"], BlockForm);
	        this.changed = source["changed"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class LetterheadForm {
	    authority: string;
	    unit: string;
	    street: string;
	    postalCode: string;
	    city: string;
	    phone: string;
	    email: string;
	    website: string;
	    bankName: string;
	    iban: string;
	    bic: string;
	    verifyUrl: string;
	    logo: string;
	
	    static createFrom(source: any = {}) {
	        return new LetterheadForm(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.authority = source["authority"];
	        this.unit = source["unit"];
	        this.street = source["street"];
	        this.postalCode = source["postalCode"];
	        this.city = source["city"];
	        this.phone = source["phone"];
	        this.email = source["email"];
	        this.website = source["website"];
	        this.bankName = source["bankName"];
	        this.iban = source["iban"];
	        this.bic = source["bic"];
	        this.verifyUrl = source["verifyUrl"];
	        this.logo = source["logo"];
	    }
	}
	export class LetterPreviewInput {
	    letterhead: LetterheadForm;
	    template: TemplateForm;
	    remedy: RemedyForm;
	
	    static createFrom(source: any = {}) {
	        return new LetterPreviewInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.letterhead = this.convertValues(source["letterhead"], LetterheadForm);
	        this.template = this.convertValues(source["template"], TemplateForm);
	        this.remedy = this.convertValues(source["remedy"], RemedyForm);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Option {
	    value: string;
	    label: string;
	
	    static createFrom(source: any = {}) {
	        return new Option(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.value = source["value"];
	        this.label = source["label"];
	    }
	}
	export class PlaceholderView {
	    name: string;
	    label: string;
	
	    static createFrom(source: any = {}) {
	        return new PlaceholderView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.label = source["label"];
	    }
	}
	export class LetterSettings {
	    letterhead: LetterheadForm;
	    templates: TemplateForm[];
	    remedies: RemedyForm[];
	    placeholders: PlaceholderView[];
	    blockKinds: Option[];
	    remedyKinds: Option[];
	    problems: string[];
	
	    static createFrom(source: any = {}) {
	        return new LetterSettings(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.letterhead = this.convertValues(source["letterhead"], LetterheadForm);
	        this.templates = this.convertValues(source["templates"], TemplateForm);
	        this.remedies = this.convertValues(source["remedies"], RemedyForm);
	        this.placeholders = this.convertValues(source["placeholders"], PlaceholderView);
	        this.blockKinds = this.convertValues(source["blockKinds"], Option);
	        this.remedyKinds = this.convertValues(source["remedyKinds"], Option);
	        this.problems = source["problems"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class ListPage {
	    total: number;
	    offset: number;
	    rows: CaseRow[];
	
	    static createFrom(source: any = {}) {
	        return new ListPage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.total = source["total"];
	        this.offset = source["offset"];
	        this.rows = this.convertValues(source["rows"], CaseRow);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ListQuery {
	    search: string;
	    statuses: string[];
	    filters: string[];
	    sort: string;
	    desc: boolean;
	    offset: number;
	    limit: number;
	
	    static createFrom(source: any = {}) {
	        return new ListQuery(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.search = source["search"];
	        this.statuses = source["statuses"];
	        this.filters = source["filters"];
	        this.sort = source["sort"];
	        this.desc = source["desc"];
	        this.offset = source["offset"];
	        this.limit = source["limit"];
	    }
	}
	export class MailCheckView {
	    ok: boolean;
	    summary: string;
	    passed: string[];
	    warnings: string[];
	    problem: string;
	
	    static createFrom(source: any = {}) {
	        return new MailCheckView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ok = source["ok"];
	        this.summary = source["summary"];
	        this.passed = source["passed"];
	        this.warnings = source["warnings"];
	        this.problem = source["problem"];
	    }
	}
	export class MailFailureView {
	    uid: number;
	    folder: string;
	    reason: string;
	    since: string;
	    lastTry: string;
	    attempts: number;
	    retrying: boolean;
	
	    static createFrom(source: any = {}) {
	        return new MailFailureView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.uid = source["uid"];
	        this.folder = source["folder"];
	        this.reason = source["reason"];
	        this.since = source["since"];
	        this.lastTry = source["lastTry"];
	        this.attempts = source["attempts"];
	        this.retrying = source["retrying"];
	    }
	}
	export class MailSettingsInput {
	    host: string;
	    port: number;
	    tls: string;
	    user: string;
	    password: string;
	    folder: string;
	    ca: string;
	
	    static createFrom(source: any = {}) {
	        return new MailSettingsInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.host = source["host"];
	        this.port = source["port"];
	        this.tls = source["tls"];
	        this.user = source["user"];
	        this.password = source["password"];
	        this.folder = source["folder"];
	        this.ca = source["ca"];
	    }
	}
	export class MailSettingsView {
	    configured: boolean;
	    host: string;
	    port: number;
	    tls: string;
	    user: string;
	    passwordSet: boolean;
	    folder: string;
	    ca: string;
	    tlsModes: Option[];
	
	    static createFrom(source: any = {}) {
	        return new MailSettingsView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.configured = source["configured"];
	        this.host = source["host"];
	        this.port = source["port"];
	        this.tls = source["tls"];
	        this.user = source["user"];
	        this.passwordSet = source["passwordSet"];
	        this.folder = source["folder"];
	        this.ca = source["ca"];
	        this.tlsModes = this.convertValues(source["tlsModes"], Option);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class MailStatusView {
	    configured: boolean;
	    state: string;
	    lastCheck: string;
	    importedToday: number;
	    failed: number;
	    errors: number;
	    lastError: string;
	    lastErrorAt: string;
	
	    static createFrom(source: any = {}) {
	        return new MailStatusView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.configured = source["configured"];
	        this.state = source["state"];
	        this.lastCheck = source["lastCheck"];
	        this.importedToday = source["importedToday"];
	        this.failed = source["failed"];
	        this.errors = source["errors"];
	        this.lastError = source["lastError"];
	        this.lastErrorAt = source["lastErrorAt"];
	    }
	}
	
	export class NewCaseInput {
	    type: string;
	    channel: string;
	    received: string;
	    title: string;
	    name: string;
	    street: string;
	    postalCode: string;
	    city: string;
	    email: string;
	    phone: string;
	    note: string;
	
	    static createFrom(source: any = {}) {
	        return new NewCaseInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.type = source["type"];
	        this.channel = source["channel"];
	        this.received = source["received"];
	        this.title = source["title"];
	        this.name = source["name"];
	        this.street = source["street"];
	        this.postalCode = source["postalCode"];
	        this.city = source["city"];
	        this.email = source["email"];
	        this.phone = source["phone"];
	        this.note = source["note"];
	    }
	}
	export class OpenResult {
	    outcome: string;
	    message: string;
	    entries: ArchiveEntry[];
	    truncated: boolean;
	    maySave: boolean;
	
	    static createFrom(source: any = {}) {
	        return new OpenResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.outcome = source["outcome"];
	        this.message = source["message"];
	        this.entries = this.convertValues(source["entries"], ArchiveEntry);
	        this.truncated = source["truncated"];
	        this.maySave = source["maySave"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	export class PrintLetter {
	    caseId: string;
	    fileNumber: string;
	    applicant: string;
	    decisionId: string;
	    title: string;
	    signedAt: string;
	    posted: string;
	
	    static createFrom(source: any = {}) {
	        return new PrintLetter(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.caseId = source["caseId"];
	        this.fileNumber = source["fileNumber"];
	        this.applicant = source["applicant"];
	        this.decisionId = source["decisionId"];
	        this.title = source["title"];
	        this.signedAt = source["signedAt"];
	        this.posted = source["posted"];
	    }
	}
	export class PrintBatchResult {
	    file: string;
	    letters: PrintLetter[];
	    pages: number;
	    blank: number;
	    opened: boolean;
	
	    static createFrom(source: any = {}) {
	        return new PrintBatchResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.file = source["file"];
	        this.letters = this.convertValues(source["letters"], PrintLetter);
	        this.pages = source["pages"];
	        this.blank = source["blank"];
	        this.opened = source["opened"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class PrintQuery {
	    scope: string;
	    caseIds: string[];
	
	    static createFrom(source: any = {}) {
	        return new PrintQuery(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.scope = source["scope"];
	        this.caseIds = source["caseIds"];
	    }
	}
	export class RejectedView {
	    seq: number;
	    caseId: string;
	    fileNumber: string;
	    applicant: string;
	    kind: string;
	    what: string;
	    by: string;
	    at: string;
	    reason: string;
	    rejectedAt: string;
	
	    static createFrom(source: any = {}) {
	        return new RejectedView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.seq = source["seq"];
	        this.caseId = source["caseId"];
	        this.fileNumber = source["fileNumber"];
	        this.applicant = source["applicant"];
	        this.kind = source["kind"];
	        this.what = source["what"];
	        this.by = source["by"];
	        this.at = source["at"];
	        this.reason = source["reason"];
	        this.rejectedAt = source["rejectedAt"];
	    }
	}
	
	export class ResolveConflictInput {
	    id: string;
	    keep: string;
	    value: string;
	
	    static createFrom(source: any = {}) {
	        return new ResolveConflictInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.keep = source["keep"];
	        this.value = source["value"];
	    }
	}
	export class ScanStatusView {
	    state: string;
	    message: string;
	    since: string;
	
	    static createFrom(source: any = {}) {
	        return new ScanStatusView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.state = source["state"];
	        this.message = source["message"];
	        this.since = source["since"];
	    }
	}
	export class Session {
	    fatal: string;
	    municipality: string;
	    device: string;
	    dataDir: string;
	    clerk: ClerkView;
	    clerks: ClerkView[];
	    signInClerks: ClerkView[];
	    demo: boolean;
	    demoPassword: string;
	    connected: boolean;
	    signedIn: boolean;
	    locked: boolean;
	    lockReason: string;
	    offline: boolean;
	    grantExpires: string;
	    notice: string;
	    idleLockSeconds: number;
	    standsInFor: ClerkView[];
	    needsSetup: boolean;
	    caseTypes: Option[];
	    statuses: Option[];
	    channels: Option[];
	    today: string;
	    maxAttachmentBytes: number;
	    mayAssignOthers: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Session(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.fatal = source["fatal"];
	        this.municipality = source["municipality"];
	        this.device = source["device"];
	        this.dataDir = source["dataDir"];
	        this.clerk = this.convertValues(source["clerk"], ClerkView);
	        this.clerks = this.convertValues(source["clerks"], ClerkView);
	        this.signInClerks = this.convertValues(source["signInClerks"], ClerkView);
	        this.demo = source["demo"];
	        this.demoPassword = source["demoPassword"];
	        this.connected = source["connected"];
	        this.signedIn = source["signedIn"];
	        this.locked = source["locked"];
	        this.lockReason = source["lockReason"];
	        this.offline = source["offline"];
	        this.grantExpires = source["grantExpires"];
	        this.notice = source["notice"];
	        this.idleLockSeconds = source["idleLockSeconds"];
	        this.standsInFor = this.convertValues(source["standsInFor"], ClerkView);
	        this.needsSetup = source["needsSetup"];
	        this.caseTypes = this.convertValues(source["caseTypes"], Option);
	        this.statuses = this.convertValues(source["statuses"], Option);
	        this.channels = this.convertValues(source["channels"], Option);
	        this.today = source["today"];
	        this.maxAttachmentBytes = source["maxAttachmentBytes"];
	        this.mayAssignOthers = source["mayAssignOthers"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class SignResult {
	    case: CaseDetail;
	    decisionId: string;
	    verificationCode: string;
	    timestamped: boolean;
	    notice: string;
	
	    static createFrom(source: any = {}) {
	        return new SignResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.case = this.convertValues(source["case"], CaseDetail);
	        this.decisionId = source["decisionId"];
	        this.verificationCode = source["verificationCode"];
	        this.timestamped = source["timestamped"];
	        this.notice = source["notice"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class SignatureView {
	    valid: boolean;
	    signer: string;
	    organization: string;
	    signingTime: string;
	    keyType: string;
	    wholeDocument: boolean;
	    timestamped: boolean;
	    problem: string;
	
	    static createFrom(source: any = {}) {
	        return new SignatureView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.valid = source["valid"];
	        this.signer = source["signer"];
	        this.organization = source["organization"];
	        this.signingTime = source["signingTime"];
	        this.keyType = source["keyType"];
	        this.wholeDocument = source["wholeDocument"];
	        this.timestamped = source["timestamped"];
	        this.problem = source["problem"];
	    }
	}
	export class SignatureCheck {
	    file: string;
	    signatures: SignatureView[];
	    summary: string;
	
	    static createFrom(source: any = {}) {
	        return new SignatureCheck(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.file = source["file"];
	        this.signatures = this.convertValues(source["signatures"], SignatureView);
	        this.summary = source["summary"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class SigningKeyInput {
	    kind: string;
	    module: string;
	    tokenLabel: string;
	    keyLabel: string;
	    tsaUrl: string;
	
	    static createFrom(source: any = {}) {
	        return new SigningKeyInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.module = source["module"];
	        this.tokenLabel = source["tokenLabel"];
	        this.keyLabel = source["keyLabel"];
	        this.tsaUrl = source["tsaUrl"];
	    }
	}
	
	export class SubstitutionView {
	    absences: AbsenceView[];
	    clerks: ClerkView[];
	    mayRecordForOthers: boolean;
	
	    static createFrom(source: any = {}) {
	        return new SubstitutionView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.absences = this.convertValues(source["absences"], AbsenceView);
	        this.clerks = this.convertValues(source["clerks"], ClerkView);
	        this.mayRecordForOthers = source["mayRecordForOthers"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class SyncConnectInput {
	    server: string;
	    code: string;
	    fingerprint: string;
	    ca: string;
	
	    static createFrom(source: any = {}) {
	        return new SyncConnectInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.server = source["server"];
	        this.code = source["code"];
	        this.fingerprint = source["fingerprint"];
	        this.ca = source["ca"];
	    }
	}
	export class SyncProbe {
	    server: string;
	    fingerprint: string;
	    plain: boolean;
	
	    static createFrom(source: any = {}) {
	        return new SyncProbe(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.server = source["server"];
	        this.fingerprint = source["fingerprint"];
	        this.plain = source["plain"];
	    }
	}
	export class SyncStatusView {
	    enrolled: boolean;
	    server: string;
	    tenant: string;
	    online: boolean;
	    syncing: boolean;
	    pending: number;
	    rejected: number;
	    openConflicts: number;
	    wantedBlobs: number;
	    lastSync: string;
	    lastError: string;
	    nextTry: string;
	    mayConnect: boolean;
	    notice: string;
	
	    static createFrom(source: any = {}) {
	        return new SyncStatusView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.enrolled = source["enrolled"];
	        this.server = source["server"];
	        this.tenant = source["tenant"];
	        this.online = source["online"];
	        this.syncing = source["syncing"];
	        this.pending = source["pending"];
	        this.rejected = source["rejected"];
	        this.openConflicts = source["openConflicts"];
	        this.wantedBlobs = source["wantedBlobs"];
	        this.lastSync = source["lastSync"];
	        this.lastError = source["lastError"];
	        this.nextTry = source["nextTry"];
	        this.mayConnect = source["mayConnect"];
	        this.notice = source["notice"];
	    }
	}
	
	
	export class UsersView {
	    users: UserView[];
	    managed: boolean;
	    roles: Option[];
	    idleLockMinutes: number;
	
	    static createFrom(source: any = {}) {
	        return new UsersView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.users = this.convertValues(source["users"], UserView);
	        this.managed = source["managed"];
	        this.roles = this.convertValues(source["roles"], Option);
	        this.idleLockMinutes = source["idleLockMinutes"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class VerifyResult {
	    ok: boolean;
	    entries: number;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new VerifyResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ok = source["ok"];
	        this.entries = source["entries"];
	        this.message = source["message"];
	    }
	}

}

