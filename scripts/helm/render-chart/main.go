// render-chart renders a Helm chart's templates with Go's text/template and the template functions the CryptoFunk
// chart uses, implemented here as Helm and sprig define them — for machines without a helm binary. It is not helm:
// the functions are a subset (an unknown one is a parse error, so a template using it fails loudly).
//
//	go run ./scripts/helm/render-chart <chart-dir> <values.json> [release-name] [namespace]
//
// The values file is JSON (the caller coalesces values.yaml with its overrides). Output: the rendered manifests,
// each preceded by "# Source: <chart>/templates/<file>", as `helm template` prints them. Missing map keys are errors
// (helm's strict mode).
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"text/template"
)

type files map[string][]byte

func (f files) Get(name string) string { return string(f[name]) }

func (f files) Glob(pattern string) files {
	out := files{}
	for name, data := range f {
		if ok, _ := path.Match(pattern, name); ok {
			out[name] = data
		}
	}
	return out
}

func empty(v interface{}) bool {
	if v == nil {
		return true
	}
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.String, reflect.Slice, reflect.Map, reflect.Array:
		return r.Len() == 0
	case reflect.Bool:
		return !r.Bool()
	case reflect.Float64, reflect.Float32:
		return r.Float() == 0
	case reflect.Int, reflect.Int64, reflect.Int32:
		return r.Int() == 0
	}
	return false
}

func toString(v interface{}) string {
	switch s := v.(type) {
	case string:
		return s
	case []byte:
		return string(s)
	case nil:
		return ""
	}
	return fmt.Sprintf("%v", v)
}

var plain = regexp()

func regexp() func(string) bool {
	return func(s string) bool {
		if s == "" || strings.ContainsAny(s, ":#{}[],&*!|>'\"%@`\n\t") || strings.TrimSpace(s) != s {
			return false
		}
		switch strings.ToLower(s) {
		case "true", "false", "yes", "no", "on", "off", "null", "~", "y", "n":
			return false
		}
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return false
		}
		return !strings.HasPrefix(s, "-") && !strings.HasPrefix(s, "?")
	}
}

func scalar(v interface{}) string {
	switch s := v.(type) {
	case nil:
		return "null"
	case string:
		if plain(s) {
			return s
		}
		b, _ := json.Marshal(s)
		return string(b)
	case float64:
		if s == float64(int64(s)) {
			return strconv.FormatInt(int64(s), 10)
		}
		return strconv.FormatFloat(s, 'g', -1, 64)
	}
	return fmt.Sprintf("%v", v)
}

// toYAML writes block-style YAML (what helm's toYaml gives, up to quoting style).
func toYAML(v interface{}, indent int, b *strings.Builder) {
	pad := strings.Repeat("  ", indent)
	switch t := v.(type) {
	case map[string]interface{}:
		if len(t) == 0 {
			b.WriteString(pad + "{}\n")
			return
		}
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			child := t[k]
			if isCollection(child) && !emptyCollection(child) {
				b.WriteString(pad + scalar(k) + ":\n")
				next := indent + 1
				if _, isList := child.([]interface{}); isList {
					next = indent
				}
				toYAML(child, next, b)
			} else {
				b.WriteString(pad + scalar(k) + ": " + inline(child) + "\n")
			}
		}
	case []interface{}:
		if len(t) == 0 {
			b.WriteString(pad + "[]\n")
			return
		}
		for _, item := range t {
			if isCollection(item) && !emptyCollection(item) {
				var inner strings.Builder
				toYAML(item, indent+1, &inner)
				s := inner.String()
				b.WriteString(pad + "- " + strings.TrimPrefix(s, pad+"  "))
			} else {
				b.WriteString(pad + "- " + inline(item) + "\n")
			}
		}
	default:
		b.WriteString(pad + scalar(v) + "\n")
	}
}

func isCollection(v interface{}) bool {
	switch v.(type) {
	case map[string]interface{}, []interface{}:
		return true
	}
	return false
}

func emptyCollection(v interface{}) bool { return reflect.ValueOf(v).Len() == 0 }

func inline(v interface{}) string {
	switch t := v.(type) {
	case map[string]interface{}:
		if len(t) == 0 {
			return "{}"
		}
	case []interface{}:
		if len(t) == 0 {
			return "[]"
		}
	}
	return scalar(v)
}

// fromYAML reads the YAML the chart's helpers print: "key: value" lines (values JSON or plain) and "key:" followed by
// "  - <JSON>" items. Anything else is an error, so a helper printing more than this reader knows fails the render.
func fromYAML(s string) (map[string]interface{}, error) {
	out := map[string]interface{}{}
	var list string
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(line), "- ") && list != "" {
			var item interface{}
			if err := json.Unmarshal([]byte(strings.TrimPrefix(strings.TrimSpace(line), "- ")), &item); err != nil {
				return nil, fmt.Errorf("fromYaml: list item %q: %v", line, err)
			}
			out[list] = append(out[list].([]interface{}), item)
			continue
		}
		i := strings.Index(line, ":")
		if i <= 0 || strings.HasPrefix(line, " ") {
			return nil, fmt.Errorf("fromYaml: cannot read %q", line)
		}
		key, rest := line[:i], strings.TrimSpace(line[i+1:])
		if rest == "" {
			list = key
			out[key] = []interface{}{}
			continue
		}
		list = ""
		var value interface{}
		if err := json.Unmarshal([]byte(rest), &value); err != nil {
			value = rest
		}
		out[key] = value
	}
	return out, nil
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: render-chart <chart-dir> <values.json> [release] [namespace]")
		os.Exit(64)
	}
	chartDir, valuesFile := os.Args[1], os.Args[2]
	release, namespace := "rel", "default"
	if len(os.Args) > 3 {
		release = os.Args[3]
	}
	if len(os.Args) > 4 {
		namespace = os.Args[4]
	}
	if err := run(chartDir, valuesFile, release, namespace); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
}

func run(chartDir, valuesFile, release, namespace string) error {
	var values map[string]interface{}
	raw, err := os.ReadFile(valuesFile)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, &values); err != nil {
		return err
	}
	chartYaml, err := os.ReadFile(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		return err
	}
	chart := map[string]interface{}{}
	for _, line := range strings.Split(string(chartYaml), "\n") {
		for _, k := range []string{"name", "version", "appVersion"} {
			if strings.HasPrefix(line, k+":") {
				v := strings.Trim(strings.TrimSpace(strings.TrimPrefix(line, k+":")), `"`)
				chart[strings.ToUpper(k[:1])+k[1:]] = v
			}
		}
	}
	all := files{}
	err = filepath.Walk(chartDir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(chartDir, p)
		data, err := os.ReadFile(p)
		all[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		return err
	}
	top := map[string]interface{}{
		"Values":  values,
		"Chart":   chart,
		"Release": map[string]interface{}{"Name": release, "Namespace": namespace, "Service": "Helm", "IsInstall": true},
		"Files":   all,
	}

	root := template.New("chart").Option("missingkey=error")
	funcs := template.FuncMap{
		"include": func(string, interface{}) (string, error) { return "", nil },
		"required": func(msg string, v interface{}) (interface{}, error) {
			if v == nil || (reflect.ValueOf(v).Kind() == reflect.String && v.(string) == "") {
				return nil, errors.New(msg)
			}
			return v, nil
		},
		"fail": func(msg string) (string, error) { return "", errors.New(msg) },
		"default": func(d interface{}, v ...interface{}) interface{} {
			if len(v) == 0 || empty(v[0]) {
				return d
			}
			return v[0]
		},
		"trunc": func(n int, s string) string {
			if len(s) > n {
				return s[:n]
			}
			return s
		},
		"trimSuffix": func(suffix, s string) string { return strings.TrimSuffix(s, suffix) },
		"contains":   func(sub, s string) bool { return strings.Contains(s, sub) },
		"replace":    func(old, new, s string) string { return strings.ReplaceAll(s, old, new) },
		"quote": func(v ...interface{}) string {
			parts := []string{}
			for _, s := range v {
				if s != nil {
					parts = append(parts, strconv.Quote(toString(s)))
				}
			}
			return strings.Join(parts, " ")
		},
		"toString": toString,
		"toJson":   func(v interface{}) string { b, _ := json.Marshal(v); return string(b) },
		"toYaml": func(v interface{}) string {
			var b strings.Builder
			toYAML(v, 0, &b)
			return strings.TrimSuffix(b.String(), "\n")
		},
		"fromYaml": func(s string) (map[string]interface{}, error) { return fromYAML(s) },
		"nindent": func(n int, s string) string {
			p := strings.Repeat(" ", n)
			return "\n" + p + strings.ReplaceAll(s, "\n", "\n"+p)
		},
		"sha256sum": func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) },
		"base":      path.Base,
		"list":      func(v ...interface{}) []interface{} { return v },
		"concat": func(lists ...interface{}) []interface{} {
			out := []interface{}{}
			for _, l := range lists {
				r := reflect.ValueOf(l)
				for i := 0; i < r.Len(); i++ {
					out = append(out, r.Index(i).Interface())
				}
			}
			return out
		},
		"dict": func(kv ...interface{}) map[string]interface{} {
			m := map[string]interface{}{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[toString(kv[i])] = kv[i+1]
			}
			return m
		},
		"merge": func(dst map[string]interface{}, srcs ...map[string]interface{}) map[string]interface{} {
			for _, src := range srcs {
				for k, v := range src {
					if _, ok := dst[k]; !ok {
						dst[k] = v
					}
				}
			}
			return dst
		},
		"set": func(m map[string]interface{}, k string, v interface{}) map[string]interface{} { m[k] = v; return m },
	}
	root.Funcs(funcs)
	funcs["include"] = func(name string, data interface{}) (string, error) {
		var b bytes.Buffer
		err := root.ExecuteTemplate(&b, name, data)
		return b.String(), err
	}
	root.Funcs(funcs)

	names := []string{}
	for name := range all {
		if strings.HasPrefix(name, "templates/") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		if _, err := root.New(name).Parse(string(all[name])); err != nil {
			return err
		}
	}
	for _, name := range names {
		if strings.HasPrefix(path.Base(name), "_") {
			continue
		}
		var b bytes.Buffer
		if err := root.ExecuteTemplate(&b, name, top); err != nil {
			return err
		}
		out := strings.TrimSpace(b.String())
		if out == "" {
			continue
		}
		fmt.Printf("---\n# Source: %s/%s\n%s\n", chart["Name"], name, out)
	}
	return nil
}
