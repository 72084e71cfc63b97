package review

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/ldaccess/ldaccess/api"
	"github.com/ldaccess/ldaccess/internal/safefile"
	"github.com/ldaccess/ldaccess/internal/textsafe"
)

// ReportFormat is the version of the JSON evidence format WriteReport writes and ReadReport
// reads, recorded in every document as "reviewFormat". A change that would make an older
// reader misread a document gets a new version.
const ReportFormat = 1

// The evidence format: one JSON object per review, its record first (format, time, account,
// instance, caller, coverage, thresholds, policy, counts and the summary by finding with its
// risk), then "tokens" and "members", one object per row. Times are RFC 3339 in UTC, null for
// never. A review of several accounts is an object with "accounts", one review each.

type reportJSON struct {
	Format      int          `json:"reviewFormat"`
	Name        string       `json:"name,omitempty"`
	GeneratedAt time.Time    `json:"generatedAt"`
	Version     string       `json:"version,omitempty"`
	Account     Account      `json:"account"`
	Instance    string       `json:"instance,omitempty"`
	BaseURL     string       `json:"baseUrl,omitempty"`
	Caller      Caller       `json:"caller"`
	Coverage    coverageJSON `json:"coverage"`
	StaleAfter  Age          `json:"staleAfter"`
	RotateAfter Age          `json:"rotateAfter"`
	// StaleAfterDays is StaleAfter in days, as the first JSON output of ldaccess had it.
	StaleAfterDays float64       `json:"staleAfterDays"`
	Policy         *Policy       `json:"policy,omitempty"`
	TokenCount     int           `json:"tokenCount"`
	MemberCount    int           `json:"memberCount"`
	FindingCount   int           `json:"findingCount"`
	Summary        []summaryJSON `json:"summary"`
	Tokens         []tokenJSON   `json:"tokens"`
	Members        []memberJSON  `json:"members"`
}

type coverageJSON struct {
	Complete   bool   `json:"complete"`
	AllTokens  bool   `json:"allTokens"`
	AllMembers bool   `json:"allMembers"`
	Statement  string `json:"statement,omitempty"` // Report.Incomplete
}

type summaryJSON struct {
	Subject     string  `json:"subject"`
	Finding     Finding `json:"finding"`
	Risk        Risk    `json:"risk"`
	Description string  `json:"description"`
	Count       int     `json:"count"`
}

type tokenJSON struct {
	ID            string          `json:"id"`
	Name          string          `json:"name"`
	OwnerID       string          `json:"ownerId"`
	Owner         string          `json:"owner"`
	MemberID      string          `json:"memberId,omitempty"`
	Role          string          `json:"role,omitempty"`
	CustomRoleIDs []string        `json:"customRoleIds,omitempty"`
	InlineRole    []api.Statement `json:"inlineRole,omitempty"`
	Service       bool            `json:"service"`
	Created       msTime          `json:"created"`
	LastUsed      msTime          `json:"lastUsed"`
	LastModified  msTime          `json:"lastModified"`
	Risk          Risk            `json:"risk"`
	Findings      []Finding       `json:"findings"`
}

type memberJSON struct {
	ID            string    `json:"id"`
	Email         string    `json:"email"`
	Name          string    `json:"name"`
	Role          string    `json:"role"`
	CustomRoles   []string  `json:"customRoles"`
	Teams         []string  `json:"teams"`
	LastSeen      msTime    `json:"lastSeen"`
	MFA           string    `json:"mfa"`
	PendingInvite bool      `json:"pendingInvite"`
	Created       msTime    `json:"created"`
	Risk          Risk      `json:"risk"`
	Findings      []Finding `json:"findings"`
}

type reportsJSON struct {
	Format       int          `json:"reviewFormat"`
	GeneratedAt  time.Time    `json:"generatedAt"`
	FindingCount int          `json:"findingCount"`
	Accounts     []reportJSON `json:"accounts"`
}

// msTime is an epoch-millisecond time written as RFC 3339 in UTC, null for 0 (never).
type msTime int64

// MarshalJSON writes the time, or null.
func (t msTime) MarshalJSON() ([]byte, error) {
	if t <= 0 {
		return []byte("null"), nil
	}
	return json.Marshal(time.UnixMilli(int64(t)).UTC().Format(time.RFC3339))
}

// UnmarshalJSON reads what MarshalJSON writes.
func (t *msTime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = 0
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("want an RFC 3339 time or null: %w", err)
	}
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return fmt.Errorf("want an RFC 3339 time or null: %w", err)
	}
	*t = msTime(v.UnixMilli())
	return nil
}

// head is the report's record without its rows.
func (r Report) head() reportJSON {
	o := r.Options.withDefaults()
	j := reportJSON{
		Format: ReportFormat, Name: r.Name, GeneratedAt: r.GeneratedAt.UTC(), Version: o.Version,
		Account: r.Account, Instance: r.Instance, BaseURL: r.BaseURL, Caller: r.Caller,
		Coverage: coverageJSON{
			Complete: r.Coverage.Complete(), AllTokens: r.Coverage.AllTokens, AllMembers: r.Coverage.AllMembers,
			Statement: r.Incomplete(),
		},
		StaleAfter: Age(o.StaleAfter), RotateAfter: Age(o.RotateAfter), StaleAfterDays: o.StaleAfter.Hours() / 24,
		Policy: r.Policy, TokenCount: r.TokenCount, MemberCount: r.MemberCount, FindingCount: r.FindingCount(),
		Summary: []summaryJSON{},
	}
	for _, l := range r.Summary() {
		j.Summary = append(j.Summary, summaryJSON{Subject: l.Subject, Finding: l.Finding, Risk: l.Risk, Description: o.Describe(l.Finding), Count: l.Count})
	}
	return j
}

func tokenRowJSON(row TokenRow) tokenJSON {
	t := row.Token
	return tokenJSON{
		ID: t.ID, Name: t.Name, OwnerID: t.OwnerID, Owner: row.Owner, MemberID: t.MemberID, Role: t.Role,
		CustomRoleIDs: t.CustomRoleIDs, InlineRole: t.InlineRole, Service: t.ServiceToken,
		Created: msTime(t.CreationDate), LastUsed: msTime(t.LastUsed), LastModified: msTime(t.LastModified),
		Risk: WorstRisk(row.Findings), Findings: nonNil(row.Findings),
	}
}

func memberRowJSON(row MemberRow) memberJSON {
	m := row.Member
	return memberJSON{
		ID: m.ID, Email: m.Email, Name: m.Name(), Role: m.Role, CustomRoles: nonNil(m.CustomRoles),
		Teams: nonNil(m.Teams), LastSeen: msTime(m.LastSeen), MFA: m.MFA, PendingInvite: m.PendingInvite,
		Created: msTime(m.CreationDate), Risk: WorstRisk(row.Findings), Findings: nonNil(row.Findings),
	}
}

// nonNil is s, or an empty slice for nil: JSON evidence says [] for none, never null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// WriteReport writes the review as JSON evidence (ReportFormat): its record, the summary with
// each finding's risk, then every row. Rows are encoded one at a time, so that writing a
// review of 100,000 members needs no more memory than the review itself; each write to w
// holds whole rows. Characters that would act on a terminal the evidence is shown on (in
// names a server sent) are written as \u escapes: the JSON means the same.
func WriteReport(w io.Writer, r Report) error {
	ew := &evidenceWriter{w: w}
	ew.report(r, "")
	ew.raw("\n")
	return ew.flush()
}

// WriteReports writes the reviews of several accounts as one JSON document: the time, the
// findings of all, and "accounts", each account's review as WriteReport writes it.
func WriteReports(w io.Writer, rs []Report) error {
	head := reportsJSON{Format: ReportFormat, Accounts: []reportJSON{}}
	for i, r := range rs {
		if i == 0 {
			head.GeneratedAt = r.GeneratedAt.UTC()
		}
		head.FindingCount += r.FindingCount()
	}
	ew := &evidenceWriter{w: w}
	ew.open(head, "", "accounts")
	for i, r := range rs {
		ew.item(i, "  ")
		ew.report(r, "    ")
	}
	ew.close(len(rs), "  ", "]")
	ew.raw("\n}\n")
	return ew.flush()
}

// evidenceWriter writes JSON a row at a time through a buffer that it hands to w whole rows
// at a time (a writer that redacts, as the ldaccess command's does, sees every value whole).
type evidenceWriter struct {
	w   io.Writer
	buf bytes.Buffer
	err error
}

const evidenceChunk = 64 << 10

func (e *evidenceWriter) raw(s string) { e.buf.WriteString(s) }

// value writes v indented at indent, and hands the buffer to w when it is full.
func (e *evidenceWriter) value(v any, indent string) {
	if e.err != nil {
		return
	}
	b, err := json.MarshalIndent(v, indent, "  ")
	if err != nil {
		e.err = err
		return
	}
	e.buf.Write(b)
	if e.buf.Len() >= evidenceChunk {
		e.err = e.flush()
	}
}

func (e *evidenceWriter) flush() error {
	if e.err != nil {
		return e.err
	}
	_, err := e.w.Write(textsafe.EscapeJSON(e.buf.Bytes()))
	e.buf.Reset()
	return err
}

// open writes head, encoded with its array field empty, up to that field, and opens the
// array: `{ …, "field": [`. What followed the field in head is for the caller to write.
func (e *evidenceWriter) open(head any, indent, field string) {
	if e.err != nil {
		return
	}
	b, err := json.MarshalIndent(head, indent, "  ")
	if err != nil {
		e.err = err
		return
	}
	empty := fmt.Appendf(nil, "%q: []", field)
	cut := bytes.LastIndex(b, empty)
	if cut < 0 {
		e.err = fmt.Errorf("evidence: no %s field in the head", field)
		return
	}
	e.buf.Write(b[:cut])
	e.raw(fmt.Sprintf("%q: [", field))
}

// item starts the i-th element of an array.
func (e *evidenceWriter) item(i int, indent string) {
	if i > 0 {
		e.raw(",")
	}
	e.raw("\n" + indent)
}

// close ends an array of n elements, and what encloses it with end.
func (e *evidenceWriter) close(n int, indent, end string) {
	if n > 0 {
		e.raw("\n" + indent)
	}
	e.raw(end)
}

// report writes one review at indent: its head with the rows in place of its empty arrays.
func (e *evidenceWriter) report(r Report, indent string) {
	h := r.head()
	h.Tokens, h.Members = []tokenJSON{}, []memberJSON{}
	e.open(h, indent, "tokens")
	for i, t := range r.Tokens {
		e.item(i, indent+"    ")
		e.value(tokenRowJSON(t), indent+"    ")
	}
	e.close(len(r.Tokens), indent+"  ", "],\n"+indent+`  "members": [`)
	for i, m := range r.Members {
		e.item(i, indent+"    ")
		e.value(memberRowJSON(m), indent+"    ")
	}
	e.close(len(r.Members), indent+"  ", "]\n"+indent+"}")
}

// maxReport is the largest review read: a review of a million members is about 400 MB.
const maxReport = 1 << 30

// ReadReport reads one account's review as WriteReport wrote it, as ParseReports does.
func ReadReport(r io.Reader) (Report, error) {
	data, err := safefile.ReadAll(r, maxReport)
	if err != nil {
		return Report{}, err
	}
	rs, err := ParseReports(data, "")
	if err != nil {
		return Report{}, err
	}
	if len(rs) != 1 {
		return Report{}, &ParseError{What: "review", Err: fmt.Errorf("it holds the reviews of %d accounts, not one", len(rs))}
	}
	return rs[0], nil
}

// ParseReports reads what WriteReport or WriteReports wrote: one review, or one per account.
// The record, the thresholds and every row come back; what is derived from them (the summary,
// the counts of findings, the risks, the coverage statement) is computed again rather than
// trusted. A member comes back with its name as FirstName and no Version. Every error is a
// [*ParseError] at the line and column of the value at fault, naming file if it is not "":
// a document of another format, a field this format does not have, a row without an ID or
// one ID twice.
func ParseReports(data []byte, file string) ([]Report, error) {
	format, multi, err := probeReport(data, file)
	if err != nil {
		return nil, err
	}
	if format != ReportFormat {
		what := fmt.Errorf("review format %d; this version of ldaccess reads format %d", format, ReportFormat)
		if format == 0 {
			what = fmt.Errorf(`not an ldaccess review: it has no "reviewFormat" (write one with ldaccess audit --format json)`)
		}
		return nil, positioned(data, "review", file, offsetOf(data, "/reviewFormat"), what)
	}
	var js []reportJSON
	if multi {
		var all reportsJSON
		if err := decodeStrict(data, "review", file, &all); err != nil {
			return nil, err
		}
		js = all.Accounts
	} else {
		var one reportJSON
		if err := decodeStrict(data, "review", file, &one); err != nil {
			return nil, err
		}
		js = []reportJSON{one}
	}
	rs := make([]Report, 0, len(js))
	for i, j := range js {
		r, ptr, err := j.report()
		if err != nil {
			if multi {
				ptr = fmt.Sprintf("/accounts/%d%s", i, ptr)
			}
			return nil, positioned(data, "review", file, offsetOf(data, ptr), err)
		}
		rs = append(rs, r)
	}
	return rs, nil
}

// report turns a decoded review into a Report, or says what is wrong and where (a JSON
// pointer within the review).
func (j reportJSON) report() (Report, string, error) {
	if j.Format != ReportFormat {
		return Report{}, "/reviewFormat", fmt.Errorf("review format %d; this version of ldaccess reads format %d", j.Format, ReportFormat)
	}
	if len(j.Tokens) > j.TokenCount || len(j.Members) > j.MemberCount {
		return Report{}, "/tokenCount", fmt.Errorf("more rows than the review counts (%d tokens of %d, %d members of %d)",
			len(j.Tokens), j.TokenCount, len(j.Members), j.MemberCount)
	}
	r := Report{
		Options: Options{StaleAfter: time.Duration(j.StaleAfter), RotateAfter: time.Duration(j.RotateAfter), Version: j.Version},
		Name:    j.Name, GeneratedAt: j.GeneratedAt, Account: j.Account, Instance: j.Instance, BaseURL: j.BaseURL,
		Caller: j.Caller, Coverage: Coverage{AllTokens: j.Coverage.AllTokens, AllMembers: j.Coverage.AllMembers},
		Policy: j.Policy, TokenCount: j.TokenCount, MemberCount: j.MemberCount,
		Tokens:  make([]TokenRow, 0, len(j.Tokens)),
		Members: make([]MemberRow, 0, len(j.Members)),
	}
	seen := map[string]bool{}
	for i, t := range j.Tokens {
		if err := once(seen, subjectToken, t.ID); err != nil {
			return Report{}, fmt.Sprintf("/tokens/%d", i), err
		}
		r.Tokens = append(r.Tokens, TokenRow{Owner: t.Owner, Findings: nilIfEmpty(t.Findings), Token: api.Token{
			ID: t.ID, Name: t.Name, OwnerID: t.OwnerID, MemberID: t.MemberID, Role: t.Role, CustomRoleIDs: t.CustomRoleIDs,
			InlineRole: t.InlineRole, ServiceToken: t.Service, CreationDate: int64(t.Created), LastUsed: int64(t.LastUsed),
			LastModified: int64(t.LastModified),
		}})
	}
	in := newInterner()
	for i, m := range j.Members {
		if err := once(seen, subjectMember, m.ID); err != nil {
			return Report{}, fmt.Sprintf("/members/%d", i), err
		}
		r.Members = append(r.Members, MemberRow{Findings: nilIfEmpty(m.Findings), Member: Member{
			ID: m.ID, Email: m.Email, FirstName: m.Name, Role: in.str(m.Role), CustomRoles: in.strs(m.CustomRoles),
			Teams: in.strs(m.Teams), MFA: in.str(m.MFA), PendingInvite: m.PendingInvite,
			CreationDate: int64(m.Created), LastSeen: int64(m.LastSeen),
		}})
	}
	return r, "", nil
}

// nilIfEmpty is fs, nil when empty, as a review makes rows without findings.
func nilIfEmpty(fs []Finding) []Finding {
	if len(fs) == 0 {
		return nil
	}
	return fs
}

// once refuses a row without an ID, or with one seen already.
func once(seen map[string]bool, subject, id string) error {
	if id == "" {
		return fmt.Errorf("a %s without an id", subject)
	}
	if seen[subject+":"+id] {
		return fmt.Errorf("%s %s is listed twice", subject, id)
	}
	seen[subject+":"+id] = true
	return nil
}
