package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"go/token"
	"os"
	"time"

	"golang.org/x/tools/go/packages"

	"github.com/fourcsec/fourc/analyzers/golang/load"
	"github.com/fourcsec/fourc/shared/engine"
)

// loadCommand measures loading alone, in one of three ways:
//
//	trimmed  fourc's loader: everything from source, dependency function bodies dropped
//	source   everything from source with all bodies (what go/packages does by default)
//	export   the module from source, dependencies from compiler export data (go list -export,
//	         which compiles every dependency when the build cache is cold)
func loadCommand(args []string) error {
	fs := flag.NewFlagSet("load", flag.ExitOnError)
	mode := fs.String("mode", "trimmed", "trimmed, source or export")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("load wants one directory")
	}
	tree, _, err := engine.OpenTree(fs.Arg(0), nil)
	if err != nil {
		return err
	}
	ctx := context.Background()
	start := time.Now()
	n := 0
	switch *mode {
	case "trimmed", "source":
		goEnv, err := load.ReadGoEnv(ctx, nil)
		if err != nil {
			return err
		}
		var files []string
		for _, f := range tree.Files {
			files = append(files, f.Path)
		}
		groups := load.FindGroups(files, tree.ReadFile)
		if len(groups) == 0 {
			return fmt.Errorf("no go.mod in %s", tree.Root)
		}
		cfg := &load.Config{
			Root: tree.Root, InTree: tree.Has, Read: tree.ReadFile, Tests: true, GoEnv: goEnv,
			KeepDependencyBodies: *mode == "source", Fset: token.NewFileSet(),
		}
		res, err := load.Load(ctx, cfg, groups[0], []string{"./..."}, nil)
		if err != nil {
			return err
		}
		packages.Visit(res.Roots, nil, func(*packages.Package) { n++ })
	case "export":
		pkgs, err := packages.Load(&packages.Config{
			Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedImports |
				packages.NeedTypes | packages.NeedTypesSizes | packages.NeedSyntax | packages.NeedTypesInfo,
			Context: ctx,
			Dir:     tree.Root,
			Env:     load.Environ(os.Environ(), ""),
			Tests:   true,
		}, "./...")
		if err != nil {
			return err
		}
		n = len(pkgs)
	default:
		return fmt.Errorf("unknown mode %q", *mode)
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{"mode": *mode, "packages": n, "seconds": time.Since(start).Seconds()})
}
