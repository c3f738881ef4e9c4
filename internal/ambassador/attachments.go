package ambassador

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/attach"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
)

// Purposes of a nomination's attachments (attach.Attachment.Purpose).
const (
	// PurposeDocument: a supporting document (photos, letters, reports),
	// seen by the nominator and staff.
	PurposeDocument = "document"
	// PurposeFormScan: the scan of a nomination form received on paper,
	// by post or e-mail (staff only).
	PurposeFormScan = "nomination_scan"
	// PurposeConsentScan: the scan of a signed paper consent (staff only).
	PurposeConsentScan = "consent_scan"
)

var (
	errAttachmentNotFound = apperr.New(apperr.NotFound, "ambassador.attachment_not_found")
	errScanKind           = apperr.Invalid("kind", "ambassador.scan_kind_invalid")
	errScanFormOnline     = apperr.New(apperr.Conflict, "ambassador.scan_form_online")
)

// Files are the attachments of nominations, on internal/attach: the
// nominator's supporting documents and the scans staff attach.
type Files struct {
	s     *Service
	files *attach.Service
}

// NewFiles returns the nominations' attachments and registers who may
// download them: a document whoever sees its nomination (its nominator,
// staff), a scan staff only; anyone else gets NOT_FOUND.
func NewFiles(s *Service, files *attach.Service) *Files {
	f := &Files{s: s, files: files}
	files.Guard(NominationType, f.guard)
	s.nomineeErased = append(s.nomineeErased, func(ctx context.Context, tx *db.Tx, ids []uuid.UUID) error {
		return files.RemoveOwned(ctx, tx, NominationType, ids)
	})
	return f
}

func (f *Files) guard(ctx context.Context, a *attach.Attachment) error {
	n, err := f.s.Nomination(ctx, a.Owner.ID)
	if err != nil {
		return err
	}
	if a.Purpose != PurposeDocument && !f.s.Manages(ctx, n) {
		return apperr.ErrNotFound
	}
	return nil
}

func owner(id uuid.UUID) attach.Owner { return attach.Owner{Kind: NominationType, ID: id} }

// documentsFor loads a nomination, locked, for a change of its supporting
// documents, and checks the rules: an online nomination's are its
// nominator's ("edit": owner), while nominations are open; a staff-entered
// one's are staff's ("manage"), until the formal check's end. Either way a
// nomination still submitted (not withdrawn, declined or checked).
func (f *Files) documentsFor(ctx context.Context, tx *db.Tx, id uuid.UUID) (*Nomination, error) {
	act := ActEdit
	if pre, err := f.s.loadNomination(ctx, tx, id); err == nil && pre.Channel.staffEntered() {
		act = ActManage
	}
	n, e, err := f.s.nominationFor(ctx, tx, id, act)
	if err != nil {
		return nil, err
	}
	if n.Channel.staffEntered() {
		if !e.takesEntries(f.s.now()) {
			return nil, errEntryClosed
		}
	} else if !e.In(PhaseNominations, f.s.now()) {
		return nil, errNominationsClose
	}
	if n.Status != NominationSubmitted {
		return nil, errNotSubmitted
	}
	return n, nil
}

// AddDocument attaches a supporting document to a nomination (see
// documentsFor for who and when), within attach's limits. Audited.
func (f *Files) AddDocument(ctx context.Context, nomination uuid.UUID, file attach.File) (*Nomination, *attach.Attachment, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	var a *attach.Attachment
	err := db.InTx(ctx, f.s.pool, func(tx *db.Tx) error {
		if _, err := f.documentsFor(ctx, tx, nomination); err != nil {
			return err
		}
		var err error
		if a, err = f.files.Add(ctx, tx, owner(nomination), PurposeDocument, file, actor); err != nil {
			return err
		}
		return f.audit(ctx, tx, actor, "ambassador.attachment_add", nomination, a)
	})
	if err != nil {
		return nil, nil, err
	}
	n, err := f.s.loadNomination(ctx, f.s.pool, nomination)
	return n, a, err
}

// ScanKind is what a scan shows.
type ScanKind string

const (
	ScanForm    ScanKind = "form"    // the nomination form (staff-entered nominations)
	ScanConsent ScanKind = "consent" // the signed paper consent
)

// AttachScan attaches the scan of a paper nomination form (of a
// staff-entered nomination) or of a signed consent ("manage": staff), until
// the formal check's end, to a nomination not withdrawn. Scans are seen by
// staff only. Audited.
func (f *Files) AttachScan(ctx context.Context, nomination uuid.UUID, kind ScanKind, file attach.File) (*Nomination, *attach.Attachment, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	purpose := map[ScanKind]string{ScanForm: PurposeFormScan, ScanConsent: PurposeConsentScan}[kind]
	var a *attach.Attachment
	err := db.InTx(ctx, f.s.pool, func(tx *db.Tx) error {
		n, e, err := f.s.nominationFor(ctx, tx, nomination, ActManage)
		if err != nil {
			return err
		}
		if purpose == "" {
			return errScanKind
		}
		if kind == ScanForm && !n.Channel.staffEntered() {
			return errScanFormOnline
		}
		if !e.takesEntries(f.s.now()) {
			return errEntryClosed
		}
		if n.Status == NominationWithdrawn {
			return errNotSubmitted
		}
		if a, err = f.files.Add(ctx, tx, owner(nomination), purpose, file, actor); err != nil {
			return err
		}
		return f.audit(ctx, tx, actor, "ambassador.scan_add", nomination, a)
	})
	if err != nil {
		return nil, nil, err
	}
	n, err := f.s.loadNomination(ctx, f.s.pool, nomination)
	return n, a, err
}

// Remove removes an attachment of a nomination: a document by who may add
// it, when they may (documentsFor); a scan by staff until the formal
// check's end. Another object's attachment is NOT_FOUND here. Audited.
func (f *Files) Remove(ctx context.Context, attachment uuid.UUID) (*Nomination, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	if authz.SubjectFrom(ctx).Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	var nomination uuid.UUID
	err := db.InTx(ctx, f.s.pool, func(tx *db.Tx) error {
		a, err := f.files.Get(ctx, tx, attachment)
		if err != nil || a.Owner.Kind != NominationType {
			return errAttachmentNotFound
		}
		nomination = a.Owner.ID
		if a.Purpose == PurposeDocument {
			if _, err := f.documentsFor(ctx, tx, nomination); err != nil {
				return hideMissing(err)
			}
		} else {
			_, e, err := f.s.nominationFor(ctx, tx, nomination, ActManage)
			if err != nil {
				return hideMissing(err)
			}
			if !e.takesEntries(f.s.now()) {
				return errEntryClosed
			}
		}
		if err := f.files.Remove(ctx, tx, attachment); err != nil {
			return err
		}
		return f.audit(ctx, tx, actor, "ambassador.attachment_remove", nomination, a)
	})
	if err != nil {
		return nil, err
	}
	return f.s.loadNomination(ctx, f.s.pool, nomination)
}

// hideMissing answers for the attachment what the nomination's check said
// about it: one the caller may not see is not found either.
func hideMissing(err error) error {
	if apperr.CodeOf(err) == apperr.NotFound {
		return errAttachmentNotFound
	}
	return err
}

func (f *Files) audit(ctx context.Context, tx *db.Tx, actor uuid.UUID, action string, nomination uuid.UUID, a *attach.Attachment) error {
	return audit.Write(ctx, tx.Tx, audit.Entry{ActorID: actor, Action: action, ObjectType: NominationType,
		ObjectID: nomination.String(), Data: map[string]any{"attachment_id": a.ID, "purpose": a.Purpose,
			"file_name": a.FileName, "content_type": a.ContentType, "size": a.Size, "sha256": a.SHA256Hex()}})
}

// Of lists the attachments of a nomination the caller has been allowed to
// see, oldest first: its documents, and for staff its scans too.
func (f *Files) Of(ctx context.Context, n *Nomination) ([]*attach.Attachment, error) {
	m, err := f.OfMany(ctx, []*Nomination{n})
	return m[n.ID], err
}

// OfMany is Of for nominations the caller may see, in at most two
// statements (those the caller manages, with every file; the others,
// documents only).
func (f *Files) OfMany(ctx context.Context, ns []*Nomination) (map[uuid.UUID][]*attach.Attachment, error) {
	var managed, others []uuid.UUID
	for _, n := range ns {
		if f.s.Manages(ctx, n) {
			managed = append(managed, n.ID)
		} else {
			others = append(others, n.ID)
		}
	}
	out := map[uuid.UUID][]*attach.Attachment{}
	for _, group := range []struct {
		ids      []uuid.UUID
		purposes []string
	}{{managed, nil}, {others, []string{PurposeDocument}}} {
		if len(group.ids) == 0 {
			continue
		}
		m, err := f.files.List(ctx, f.s.pool, NominationType, group.ids, group.purposes...)
		if err != nil {
			return nil, err
		}
		for id, list := range m {
			out[id] = list
		}
	}
	return out, nil
}

// FilesPersonalData is the nominations' attachments in a person's data:
// the export lists the files (metadata) of the nominations of them (the
// files they uploaded themselves are in attach's section). Erasing a
// nominee deletes every file of the nominations of them, documents and
// scans alike: a nomination describes its nominee, so its files are the
// nominee's personal data. It finds them by the nominee's (guardian's)
// address and, when the Ambassador's own erasure has run first, by the
// erased name, so the order of registration does not matter.
type FilesPersonalData struct{ f *Files }

// PersonalData returns the attachments' identity.PersonalData.
func (f *Files) PersonalData() FilesPersonalData { return FilesPersonalData{f: f} }

// Name is the export section.
func (FilesPersonalData) Name() string { return "ambassador_attachments" }

type personalFile struct {
	NominationID uuid.UUID `json:"nominationId"`
	Purpose      string    `json:"purpose"`
	FileName     string    `json:"fileName"`
	ContentType  string    `json:"contentType"`
	Size         int64     `json:"size"`
	SHA256       string    `json:"sha256"`
}

// Export lists the files of the nominations of the person.
func (p FilesPersonalData) Export(ctx context.Context, tx *db.Tx, accountID uuid.UUID) (any, error) {
	var email string
	if err := tx.QueryRow(ctx, `select email from accounts where id = $1`, accountID).Scan(&email); err != nil {
		return nil, fmt.Errorf("nominations of: %w", err)
	}
	ids, err := nominationsOf(ctx, tx, email)
	if err != nil {
		return nil, err
	}
	m, err := p.f.files.List(ctx, tx, NominationType, ids)
	if err != nil {
		return nil, err
	}
	out := []personalFile{}
	for _, id := range ids {
		for _, a := range m[id] {
			out = append(out, personalFile{NominationID: id, Purpose: a.Purpose, FileName: a.FileName,
				ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256Hex()})
		}
	}
	return map[string]any{"filesOfNominationsOfMe": out}, nil
}

// Erase does nothing more: the files of the nominations of the person go
// with those nominations' erasure (PersonalData.Erase, through the
// nomineeErased hook NewFiles sets), whatever the order the erasures run
// in; the files they uploaded themselves are attach's.
func (FilesPersonalData) Erase(context.Context, *db.Tx, uuid.UUID) error { return nil }

// nominationsOf are the nominations whose nominee (or a minor's guardian)
// has the e-mail address email.
func nominationsOf(ctx context.Context, q db.Querier, email string) ([]uuid.UUID, error) {
	rows, err := q.Query(ctx, `select id from ambassador_nominations where nominee_email = $1 or guardian_email = $1
		order by created_at, id`, email)
	if err != nil {
		return nil, fmt.Errorf("nominations of: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("nominations of: %w", err)
	}
	return ids, nil
}
