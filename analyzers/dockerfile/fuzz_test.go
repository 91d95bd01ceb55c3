package dockerfile_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fourcsec/fourc/analyzers/dockerfile"
	"github.com/fourcsec/fourc/analyzers/internal/fixturetest"
)

// FuzzScan feeds arbitrary bytes to the scanner as a Dockerfile. BuildKit's parser, the shell
// splitter and every rule meet text nobody wrote for `docker build`; whatever it is, the scan
// must neither fail nor panic, and its findings must point inside the file.
func FuzzScan(f *testing.F) {
	fixtures, _ := filepath.Glob("testdata/*/*ockerfile*")
	nested, _ := filepath.Glob("testdata/*/*/*ockerfile*")
	for _, name := range append(fixtures, nested...) {
		if data, err := os.ReadFile(name); err == nil && filepath.Ext(name) != ".want" {
			f.Add(data)
		}
	}
	for _, seed := range []string{
		"FROM \\", "RUN <<EOF\n", "# escape=`\nRUN a `\n b", "\xef\xbb\xbfFROM a\r\nRUN sudo x\r\n",
		"FROM a AS b\nFROM b AS a\nFROM a", "EXPOSE 8080 22\nADD . /app\n", "ENV A=1 \\\n    DB_PASSWORD=x\n",
		"RUN [\"sh\", \"-c\", \"curl x | sh\"]", "FROM ${A:-ubuntu}:${B%latest}\nUSER 0:0\n",
		"RUN curl -k https://x \\\n  | \\\n  bash\nRUN chmod 777 /a\n", "ARG TOKEN\nRUN echo $TOKEN > /t\n",
	} {
		f.Add([]byte(seed))
	}
	fixturetest.FuzzScanner(f, dockerfile.New(), "Dockerfile")
}
