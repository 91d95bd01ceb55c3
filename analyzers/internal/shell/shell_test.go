package shell

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// summary renders pipelines compactly: commands joined by " | ", pipelines by " ; ", each word
// as value@offset.
func summary(pipes []Pipeline) string {
	var ps []string
	for _, p := range pipes {
		var cs []string
		for _, c := range p.Commands {
			var ws []string
			for _, a := range c.Assignments {
				ws = append(ws, "="+a.Value)
			}
			for _, w := range c.Words {
				ws = append(ws, w.Value+"@"+itoa(w.Offset))
			}
			for _, r := range c.Redirects {
				ws = append(ws, r.Op+r.Target.Value)
			}
			cs = append(cs, strings.Join(ws, " "))
		}
		ps = append(ps, strings.Join(cs, " | "))
	}
	return strings.Join(ps, " ; ")
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, script, want string
	}{
		{"pipeline", "curl -fsSL https://x | sh", "curl@0 -fsSL@5 https://x@11 | sh@23"},
		{"and-or", "apt-get update && sudo apt-get install -y x || true",
			"apt-get@0 update@8 ; sudo@18 apt-get@23 install@31 -y@39 x@42 ; true@47"},
		{"continuation", "curl -sL \\\n  https://x \\\n  | bash", "curl@0 -sL@5 https://x@13 | bash@29"},
		{"quotes", `echo "a b" 'c d' e\ f`, "echo@0 a b@5 c d@11 e f@17"},
		{"assignments and redirects", "FOO=1 BAR=2 cmd arg >out 2>&1", "=FOO=1 =BAR=2 cmd@12 arg@16 >out 2>&1"},
		{"reserved words", "if curl x; then sudo y; fi", "curl@3 x@8 ; sudo@16 y@21 ; fi@24"},
		{"comment", "echo hi # sudo rm\nls", "echo@0 hi@5 ; ls@18"},
		{"heredoc body skipped", "cat <<EOF > f\nsudo x\nEOF\nls", "cat@0 <<EOF >f ; ls@25"},
		{"substitution kept in word", `echo "$(id -u)" ${{ secrets.X }}`, "echo@0 $(id -u)@5 ${{ secrets.X }}@16"},
		{"subshell", "(cd a && make)", "cd@1 a@4 ; make@9"},
		{"unterminated quote", `echo "abc`, "echo@0 abc@5"},
		{"unterminated substitution", `echo $(curl x | sh`, "echo@0 $(curl x | sh@5"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, summary(Parse(tt.script))); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tt.script, diff)
			}
		})
	}
}

func TestParseAllEntersNestedScripts(t *testing.T) {
	tests := []struct {
		name, script, want string
	}{
		{"sh -c single quotes", `sh -c 'curl x | sh'`, "sh@0 -c@3 curl x | sh@6 ; curl@7 x@12 | sh@16"},
		{"bash -ec double quotes", `bash -ec "sudo id"`, "bash@0 -ec@5 sudo id@9 ; sudo@10 id@15"},
		{"command substitution", `V=$(curl -k https://x)`, "=V=$(curl -k https://x) ; curl@4 -k@9 https://x@12"},
		{"process substitution", `bash <(curl -sL x)`, "bash@0 <(curl -sL x)@5 ; curl@7 -sL@12 x@16"},
		{"sh -c not reparsed twice", `sh -c "echo $(id)"`, "sh@0 -c@3 echo $(id)@6 ; echo@7 $(id)@12 ; id@14"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, summary(ParseAll(tt.script))); diff != "" {
				t.Errorf("ParseAll(%q) (-want +got):\n%s", tt.script, diff)
			}
		})
	}
}

func TestProgramLooksThroughWrappers(t *testing.T) {
	tests := []struct{ script, name, args string }{
		{"sudo -E -u root env FOO=1 bash -s -- x", "bash", "-s -- x"},
		{"/usr/bin/curl -k", "curl", "-k"},
		{"timeout 30 nice -n 5 wget x", "wget", "x"},
		{"busybox sh", "sh", ""},
		{"sudo", "", ""},
	}
	for _, tt := range tests {
		c := Parse(tt.script)[0].Commands[0]
		name, _, args := c.Program()
		var vs []string
		for _, a := range args {
			vs = append(vs, a.Value)
		}
		if name != tt.name || strings.Join(vs, " ") != tt.args {
			t.Errorf("Program(%q) = %q %q, want %q %q", tt.script, name, vs, tt.name, tt.args)
		}
	}
}

func TestHasFlag(t *testing.T) {
	args := func(s string) []Word { return Parse("x " + s)[0].Commands[0].Words[1:] }
	const curlValues = "odHuXAebcFmrTwxyYzCEKPQtU"
	tests := []struct {
		args string
		want bool
	}{
		{"-fsSLk https://x", true},
		{"-k", true},
		{"--insecure https://x", true},
		{"-fsSL https://x", false},
		{"-o k https://x", false}, // k is the output file
		{"-ok https://x", false},  // likewise, written against the option
		{"-- -k", false},
	}
	for _, tt := range tests {
		if got := HasFlag(args(tt.args), 'k', curlValues, "--insecure"); got != tt.want {
			t.Errorf("HasFlag(%q) = %v, want %v", tt.args, got, tt.want)
		}
	}
}

func TestParseNeverPanicsOnHostileInput(t *testing.T) {
	inputs := []string{
		strings.Repeat("$(", 10000), strings.Repeat("\"", 9999), strings.Repeat("`", 10001),
		strings.Repeat("<<", 5000) + "\n", "\\", "$", "${", "$((", "<(", "2>", "<<", "a\\\r\n",
		strings.Repeat("sh -c '", 50), "\x00\xff\xfe",
	}
	for _, in := range inputs {
		ParseAll(in)
	}
}

func TestParseAllMarksSubstitutedPipelines(t *testing.T) {
	var got []bool
	for _, p := range ParseAll(`gpg --import <(printf '%s' "$KEY") && sh -c 'echo "$(id)"'`) {
		got = append(got, p.Substituted)
	}
	// The two top-level pipelines, then <(printf…) of the first, the script of sh -c (not a
	// substitution) and the $(id) inside it.
	if diff := cmp.Diff([]bool{false, false, true, false, true}, got); diff != "" {
		t.Errorf("Substituted (-want +got):\n%s", diff)
	}
}
