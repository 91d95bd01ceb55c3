package pypi_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourcsec/fourc/analyzers/deps/pypi"
)

func TestParse(t *testing.T) {
	src := `# Production requirements
-r base.txt
--requirement=extra.txt
-c constraints.txt
--index-url https://pypi.org/simple

requests==2.28.1
Django>=3.2,<4  # LTS only
Jinja2 == 3.1.2 ; python_version >= "3.8"
urllib3[socks]==1.26.5
flask
numpy~=1.24
pyyaml==6.*
cryptography==41.0.1 \
    --hash=sha256:aaaa \
    --hash=sha256:bbbb
-e git+https://github.com/org/pkg.git#egg=pkg
https://example.com/wheels/thing-1.0-py3-none-any.whl
./local/package
name-only-at @ https://example.com/x.tar.gz
bad spec!!
left==not.a.version!
`
	got := pypi.Parse([]byte(src))
	want := &pypi.File{
		Requirements: []pypi.Requirement{
			{Name: "requests", Version: "2.28.1", Specifier: "==2.28.1", Line: 7, EndLine: 7, Column: 1, EndColumn: 17, VersionColumn: 11},
			{Name: "Django", Specifier: ">=3.2,<4", Line: 8, EndLine: 8, Column: 1, EndColumn: 7},
			{Name: "Jinja2", Version: "3.1.2", Specifier: "== 3.1.2", Line: 9, EndLine: 9, Column: 1, EndColumn: 16, VersionColumn: 11},
			{Name: "urllib3", Version: "1.26.5", Specifier: "==1.26.5", Line: 10, EndLine: 10, Column: 1, EndColumn: 23, VersionColumn: 17},
			{Name: "flask", Line: 11, EndLine: 11, Column: 1, EndColumn: 6},
			{Name: "numpy", Specifier: "~=1.24", Line: 12, EndLine: 12, Column: 1, EndColumn: 6},
			{Name: "pyyaml", Specifier: "==6.*", Line: 13, EndLine: 13, Column: 1, EndColumn: 7},
			{Name: "cryptography", Version: "41.0.1", Specifier: "==41.0.1", Line: 14, EndLine: 16, Column: 1, EndColumn: 21, VersionColumn: 15, Hashes: true},
		},
		Includes: []pypi.Include{
			{Path: "base.txt", Line: 2},
			{Path: "extra.txt", Line: 3},
			{Path: "constraints.txt", Line: 4, Constraint: true},
		},
		Problems: []pypi.Problem{
			{Line: 21, Msg: `bad: "spec!!" is not a version specifier`},
			{Line: 22, Msg: `left: "not.a.version!" is not a PEP 440 version`},
		},
		Unchecked: 4,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse (-want +got):\n%s", diff)
	}
}

func TestParseOddInput(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want *pypi.File
	}{
		{"empty", "", &pypi.File{}},
		{"only comments", "# a\n   # b\n", &pypi.File{}},
		{"CRLF line ends", "requests==2.0.0\r\n", &pypi.File{Requirements: []pypi.Requirement{
			{Name: "requests", Version: "2.0.0", Specifier: "==2.0.0", Line: 1, EndLine: 1, Column: 1, EndColumn: 16, VersionColumn: 11}}}},
		{"a dangling continuation", "requests==2.0.0 \\", &pypi.File{Requirements: []pypi.Requirement{
			{Name: "requests", Version: "2.0.0", Specifier: "==2.0.0", Line: 1, EndLine: 1, Column: 1, EndColumn: 16, VersionColumn: 11}}}},
		{"-r without a file", "-r\n", &pypi.File{Problems: []pypi.Problem{{Line: 1, Msg: "-r needs a file name"}}}},
		{"-rfile glued", "-rother.txt\n", &pypi.File{Includes: []pypi.Include{{Path: "other.txt", Line: 1}}}},
		{"binary junk", "\x00\xff\xfe==1\n", &pypi.File{Problems: []pypi.Problem{{Line: 1, Msg: `"\x00\xff\xfe==1" is not a requirement`}}}},
		{"arbitrary equality pins", "legacy===1.0-custom\n", &pypi.File{Problems: []pypi.Problem{{Line: 1, Msg: `legacy: "1.0-custom" is not a PEP 440 version`}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, pypi.Parse([]byte(tc.src))); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("requests==2.28.1 --hash=sha256:abc\n-r x.txt\n"))
	f.Add([]byte("a[b]>=1 ; python_version<'3'\\\n  --hash=x"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file := pypi.Parse(data)
		for _, r := range file.Requirements {
			if r.Line < 1 || r.EndLine < r.Line || r.Column < 1 {
				t.Fatalf("bad position %+v", r)
			}
		}
	})
}
