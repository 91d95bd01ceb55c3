package taint

// The built-in source tables. Run consults them for the classes a Config enables, so an analyzer
// lists only what is particular to it (archive entry names, math/rand).

const (
	gorillaMux = "github.com/gorilla/mux"
	chi5       = "github.com/go-chi/chi/v5"
	chi1       = "github.com/go-chi/chi"
	gin        = "github.com/gin-gonic/gin"
	echo4      = "github.com/labstack/echo/v4"
	echo3      = "github.com/labstack/echo"
)

// builtinSources are calls that return untrusted data.
var builtinSources = func() []Source {
	srcs := []Source{
		{Func: Func{Pkg: "net/http", Recv: "Request", Name: "FormValue"}, Class: Remote},
		{Func: Func{Pkg: "net/http", Recv: "Request", Name: "PostFormValue"}, Class: Remote},
		{Func: Func{Pkg: "net/http", Recv: "Request", Name: "Cookie"}, Class: Remote},
		{Func: Func{Pkg: "net/http", Recv: "Request", Name: "Cookies"}, Class: Remote},
		{Func: Func{Pkg: "net/http", Recv: "Request", Name: "CookiesNamed"}, Class: Remote},
		{Func: Func{Pkg: "net/http", Recv: "Request", Name: "PathValue"}, Class: Remote},
		{Func: Func{Pkg: "net/http", Recv: "Request", Name: "Referer"}, Class: Remote},
		{Func: Func{Pkg: "net/http", Recv: "Request", Name: "UserAgent"}, Class: Remote},
		{Func: Func{Pkg: "net/http", Recv: "Request", Name: "FormFile"}, Class: Remote},
		{Func: Func{Pkg: "net/http", Recv: "Request", Name: "MultipartReader"}, Class: Remote},

		{Func: Func{Pkg: gorillaMux, Name: "Vars"}, Class: Remote},

		{Func: Func{Pkg: "os", Name: "Getenv"}, Class: Local},
		{Func: Func{Pkg: "os", Name: "LookupEnv"}, Class: Local},
		{Func: Func{Pkg: "os", Name: "Environ"}, Class: Local},
	}
	for _, pkg := range []string{chi5, chi1} {
		srcs = append(srcs,
			Source{Func: Func{Pkg: pkg, Name: "URLParam"}, Class: Remote},
			Source{Func: Func{Pkg: pkg, Name: "URLParamFromCtx"}, Class: Remote},
			Source{Func: Func{Pkg: pkg, Recv: "Context", Name: "URLParam"}, Class: Remote},
		)
	}
	for _, name := range []string{"Param", "Query", "DefaultQuery", "GetQuery", "QueryArray", "GetQueryArray",
		"QueryMap", "GetQueryMap", "PostForm", "DefaultPostForm", "GetPostForm", "PostFormArray",
		"GetPostFormArray", "PostFormMap", "GetPostFormMap", "GetHeader", "Cookie", "FormFile",
		"MultipartForm", "GetRawData"} {
		srcs = append(srcs, Source{Func: Func{Pkg: gin, Recv: "Context", Name: name}, Class: Remote})
	}
	for _, name := range []string{"Bind", "BindJSON", "BindQuery", "BindUri", "BindHeader", "BindXML", "BindYAML",
		"ShouldBind", "ShouldBindJSON", "ShouldBindQuery", "ShouldBindUri", "ShouldBindHeader",
		"ShouldBindXML", "ShouldBindYAML", "ShouldBindWith", "ShouldBindBodyWith", "BindWith", "MustBindWith"} {
		srcs = append(srcs, Source{Func: Func{Pkg: gin, Recv: "Context", Name: name}, Class: Remote, Out: []int{0}})
	}
	for _, pkg := range []string{echo4, echo3} {
		for _, name := range []string{"Param", "ParamValues", "QueryParam", "QueryParams", "QueryString",
			"FormValue", "FormParams", "FormFile", "MultipartForm", "Cookie", "Cookies"} {
			srcs = append(srcs, Source{Func: Func{Pkg: pkg, Recv: "Context", Name: name}, Class: Remote})
		}
		srcs = append(srcs, Source{Func: Func{Pkg: pkg, Recv: "Context", Name: "Bind"}, Class: Remote, Out: []int{0}})
	}
	return srcs
}()

// builtinFields are struct fields that hold untrusted data. Method, Proto, ContentLength and
// RemoteAddr of an http.Request are left out: the server validates them or they are not data an
// attacker can shape into a payload.
var builtinFields = []FieldSource{
	{Pkg: "net/http", Type: "Request", Fields: []string{"URL", "Form", "PostForm", "MultipartForm", "Header",
		"Trailer", "Body", "Host", "RequestURI"}, Class: Remote},
	{Pkg: gin, Type: "Context", Fields: []string{"Params"}, Class: Remote},
}

var builtinGlobals = []GlobalSource{
	{Pkg: "os", Name: "Args", Class: Local},
	{Pkg: "os", Name: "Stdin", Class: Local},
}

// outArgNames are methods and functions of packages without summaries that copy data from their
// inputs into their pointer arguments (json.Unmarshal(data, &v), r.Body.Read(buf),
// io.Copy(dst, src)). When any input is tainted, the memory behind every reference argument is.
var outArgNames = map[string]bool{
	"Unmarshal": true, "Decode": true, "DecodeElement": true, "Read": true, "ReadFull": true,
	"ReadAtLeast": true, "ReadAt": true, "Copy": true, "CopyN": true, "CopyBuffer": true,
	"Sscan": true, "Sscanf": true, "Sscanln": true, "Fscan": true, "Fscanf": true, "Fscanln": true,
	"ReadFrom": true, "Unquote": true,
}

// writerPrefixes are method names that store their arguments into their receiver
// (strings.Builder.WriteString, bytes.Buffer.Write, url.Values.Set, http.Header.Add).
var writerPrefixes = []string{"Write", "Add", "Set", "Append", "Print", "Put", "Store", "Push", "Insert"}

// writerFuncs write their later arguments into the first (fmt.Fprintf(&buf, …)).
var writerFuncs = map[Func]bool{
	{Pkg: "fmt", Name: "Fprint"}: true, {Pkg: "fmt", Name: "Fprintf"}: true, {Pkg: "fmt", Name: "Fprintln"}: true,
	{Pkg: "io", Name: "WriteString"}: true, {Pkg: "io", Name: "Copy"}: true, {Pkg: "io", Name: "CopyN"}: true,
	{Pkg: "io", Name: "CopyBuffer"}: true,
}

// FormattingPropagators are the calls that carry data from arguments to results even when an
// analyzer sets OpaqueCalls: formatting, string and byte manipulation, encodings.
var FormattingPropagators = []Func{
	{Pkg: "fmt", Name: "Sprint"}, {Pkg: "fmt", Name: "Sprintf"}, {Pkg: "fmt", Name: "Sprintln"},
	{Pkg: "fmt", Name: "Errorf"}, {Pkg: "fmt", Name: "Append"}, {Pkg: "fmt", Name: "Appendf"},
	{Pkg: "fmt", Name: "Appendln"},
	{Pkg: "strings", Name: "*"}, {Pkg: "strings", Recv: "Builder", Name: "String"},
	{Pkg: "bytes", Name: "*"}, {Pkg: "bytes", Recv: "Buffer", Name: "String"}, {Pkg: "bytes", Recv: "Buffer", Name: "Bytes"},
	{Pkg: "strconv", Name: "Quote"}, {Pkg: "strconv", Name: "QuoteToASCII"}, {Pkg: "strconv", Name: "AppendQuote"},
	{Pkg: "encoding/hex", Name: "EncodeToString"}, {Pkg: "encoding/hex", Name: "Encode"},
	{Pkg: "encoding/base64", Recv: "Encoding", Name: "EncodeToString"}, {Pkg: "encoding/base64", Recv: "Encoding", Name: "Encode"},
	{Pkg: "encoding/base32", Recv: "Encoding", Name: "EncodeToString"},
	{Pkg: "encoding/json", Name: "Marshal"}, {Pkg: "encoding/json", Name: "MarshalIndent"},
	{Pkg: "net/url", Name: "JoinPath"}, {Pkg: "path", Name: "Join"}, {Pkg: "path/filepath", Name: "Join"},
	{Pkg: "slices", Name: "Concat"}, {Pkg: "maps", Name: "Keys"}, {Pkg: "maps", Name: "Values"},
}
