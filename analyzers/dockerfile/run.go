package dockerfile

import (
	"iter"
	"strings"

	"github.com/fourcsec/fourc/analyzers/internal/shell"
	"github.com/fourcsec/fourc/shared/finding"
)

// runCommand is one simple command of a RUN instruction's scripts, with its context.
type runCommand struct {
	inst     *instruction
	script   *script
	pipeline *shell.Pipeline
	index    int // of the command in its pipeline
	cmd      *shell.Command
}

// runCommands visits every simple command of every RUN instruction, nested scripts included.
func runCommands(df *dockerfile) iter.Seq[runCommand] {
	return func(yield func(runCommand) bool) {
		for _, inst := range df.insts {
			for si := range inst.scripts {
				sc := &inst.scripts[si]
				for pi := range sc.pipelines {
					p := &sc.pipelines[pi]
					for ci := range p.Commands {
						if !yield(runCommand{inst: inst, script: sc, pipeline: p, index: ci, cmd: &p.Commands[ci]}) {
							return
						}
					}
				}
			}
		}
	}
}

// atShellWord makes a finding of rule on a word of a RUN command's script.
func (r *report) atShellWord(rule *finding.Rule, rc runCommand, w shell.Word, message string) finding.Finding {
	return r.at(rule, rc.script.text, w.Offset, len(w.Raw), message)
}

// packageManager names the package manager a command runs, looking through `python -m pip`.
func packageManager(c *shell.Command) (name string, args []shell.Word) {
	name, _, args = c.Program()
	if strings.HasPrefix(name, "python") && len(args) >= 2 && args[0].Value == "-m" {
		return args[1].Value, args[2:]
	}
	return name, args
}
