package main

import (
	"bytes"
	"fmt"
	"path"
	"sort"
	"strings"
)

// pickGoFiles orders the Go files a pull request may edit so that any prefix of the order
// spreads over packages: the first file of every directory, then the second of every directory,
// and so on, a directory's sources (by name) before its tests. Test data, vendored and generated
// code are left out, as a change under review does not edit them by hand; isGenerated is asked
// about the remaining files.
func pickGoFiles(files []string, isGenerated func(string) bool) []string {
	byDir := map[string][]string{}
	for _, f := range files {
		if !strings.HasSuffix(f, ".go") || hasPathElement(f, "testdata") || hasPathElement(f, "vendor") || isGenerated(f) {
			continue
		}
		dir := path.Dir(f)
		byDir[dir] = append(byDir[dir], f)
	}
	dirs := make([]string, 0, len(byDir))
	for d, list := range byDir {
		dirs = append(dirs, d)
		sort.Slice(list, func(i, j int) bool {
			ti, tj := strings.HasSuffix(list[i], "_test.go"), strings.HasSuffix(list[j], "_test.go")
			if ti != tj {
				return tj
			}
			return list[i] < list[j]
		})
	}
	sort.Strings(dirs)
	var order []string
	for round := 0; ; round++ {
		added := false
		for _, d := range dirs {
			if round < len(byDir[d]) {
				order = append(order, byDir[d][round])
				added = true
			}
		}
		if !added {
			return order
		}
	}
}

func hasPathElement(p, element string) bool {
	for _, e := range strings.Split(p, "/") {
		if e == element {
			return true
		}
	}
	return false
}

// isGeneratedSource reports whether Go source carries the standard "Code generated … DO NOT
// EDIT." line before its package clause.
func isGeneratedSource(src []byte) bool {
	for _, line := range bytes.Split(src, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if bytes.HasPrefix(line, []byte("package ")) {
			return false
		}
		if bytes.HasPrefix(line, []byte("// Code generated ")) && bytes.HasSuffix(line, []byte("DO NOT EDIT.")) {
			return true
		}
	}
	return false
}

// editGoFile is the change a pull request makes to one Go file: a small helper function
// appended at the end. It compiles in any package (no imports, a name unique to the edit) and
// gives every scanner new code to look at on changed lines.
func editGoFile(src []byte, index int) []byte {
	var b bytes.Buffer
	b.Write(src)
	if len(src) > 0 && src[len(src)-1] != '\n' {
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, `
// prBenchJoin%[1]d joins the non-empty labels with commas, for a log line.
func prBenchJoin%[1]d(labels []string) string {
	joined := ""
	for _, label := range labels {
		if label == "" {
			continue
		}
		if joined != "" {
			joined += ","
		}
		joined += label
	}
	return joined
}
`, index)
	return b.Bytes()
}

// manifestEdit is one file of the manifest-only pull request: Content replaces the file (or
// creates it); Append, when set, is added to the existing file instead.
type manifestEdit struct {
	Path    string
	Content string
	Append  bool
}

// manifestEdits is a pull request that touches no Go: the image gets a health check and a file
// downloaded at build time, CI gets a step, and a Kubernetes deployment is added. alertmanager
// ships no Kubernetes manifest, and its .gitignore ignores *.yaml outside a few directories, so
// the pull request also lets deploy/ in, as a real one would have to.
func manifestEdits() []manifestEdit {
	return []manifestEdit{
		{Path: "Dockerfile", Append: true, Content: `
ADD https://raw.githubusercontent.com/prometheus/alertmanager/main/examples/ha/alertmanager.yml /etc/alertmanager/upstream-example.yml
HEALTHCHECK --interval=30s CMD wget -q -O /dev/null http://localhost:9093/-/healthy || exit 1
`},
		{Path: ".github/workflows/ci.yml", Append: true, Content: `
  announce:
    name: Announce the pull request
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "Testing ${{ github.event.pull_request.title }} from ${{ github.head_ref }}"
`},
		{Path: ".gitignore", Append: true, Content: "!/deploy/kubernetes/*.yaml\n"},
		{Path: "deploy/kubernetes/alertmanager.yaml", Content: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: alertmanager
  labels:
    app: alertmanager
spec:
  replicas: 2
  selector:
    matchLabels:
      app: alertmanager
  template:
    metadata:
      labels:
        app: alertmanager
    spec:
      containers:
        - name: alertmanager
          image: quay.io/prometheus/alertmanager:v0.27.0
          args:
            - --config.file=/etc/alertmanager/alertmanager.yml
            - --storage.path=/alertmanager
          ports:
            - containerPort: 9093
          volumeMounts:
            - name: config
              mountPath: /etc/alertmanager
            - name: data
              mountPath: /alertmanager
      volumes:
        - name: config
          configMap:
            name: alertmanager
        - name: data
          emptyDir: {}
---
apiVersion: v1
kind: Service
metadata:
  name: alertmanager
spec:
  type: NodePort
  selector:
    app: alertmanager
  ports:
    - port: 9093
      targetPort: 9093
`},
	}
}
