package a

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"syscall"
)

func program(w http.ResponseWriter, r *http.Request) {
	exec.Command(r.FormValue("tool"), "--version").Run() // want `command built from untrusted data: r\.FormValue \(a\.go:12\) reaches exec\.Command program \(a\.go:12\)`
}

func shellScript(w http.ResponseWriter, r *http.Request) {
	host := r.URL.Query().Get("host")
	exec.Command("sh", "-c", "ping -c 1 "+host).Run() // want `r\.URL \(a\.go:16\) reaches sh script of exec\.Command`
}

func combinedFlag(ctx context.Context, r *http.Request) {
	exec.CommandContext(ctx, "/bin/bash", "-ec", "tar xf "+r.FormValue("f")).Run() // want `reaches /bin/bash script of exec\.CommandContext`
}

func windowsShell(r *http.Request) {
	exec.Command("cmd.exe", "/c", "dir "+r.FormValue("d")).Run() // want `reaches cmd\.exe script`
}

func positionalParameter(r *http.Request) {
	// the data is $1 of a constant script: the shell does not parse it
	exec.Command("sh", "-c", `grep -- "$1" /var/log/app.log`, "sh", r.FormValue("q")).Run()
}

func fixedProgram(r *http.Request) {
	// a fixed non-shell program with untrusted arguments is not reported (see the doc)
	exec.Command("git", "log", "--", r.FormValue("path")).Run()
}

func constantShell() {
	exec.Command("sh", "-c", "ls -l /tmp").Run()
}

func shellArgsFromSlice(r *http.Request) {
	args := []string{"-c", r.FormValue("cmd")}
	exec.Command("bash", args...).Run() // want `reaches bash script of exec\.Command`
}

func shellArgsFromElsewhere(r *http.Request, extra []string) {
	args := append([]string{"-c"}, extra...)
	args = append(args, r.FormValue("cmd"))
	exec.Command("bash", args...).Run() // want `reaches exec\.Command\("bash", …\) arguments`
}

func allowListed(r *http.Request) {
	tool := r.FormValue("tool")
	switch tool {
	case "ls", "df":
		exec.Command(tool).Run()
	}
}

func cmdPath(r *http.Request) {
	cmd := &exec.Cmd{Path: r.FormValue("p")} // want `reaches exec\.Cmd\.Path`
	cmd.Run()
}

func startProcess(r *http.Request) {
	os.StartProcess(r.FormValue("p"), nil, &os.ProcAttr{}) // want `reaches os\.StartProcess`
	syscall.Exec(r.FormValue("p"), nil, nil)               // want `reaches syscall\.Exec`
}

// runScript reaches the sink with its parameter; callers pass request data.
func runScript(script string) error {
	return exec.Command("sh", "-c", script).Run() // want `r\.FormValue \(a\.go:77\) reaches sh script`
}

func viaHelper(r *http.Request) {
	runScript(r.FormValue("s"))
}

func environment() {
	// the environment and command line are not remote input
	exec.Command(os.Getenv("EDITOR"), os.Args[1]).Run()
}
