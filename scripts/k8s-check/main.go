// k8s-check checks a stage's Kubernetes manifests offline, with no cluster: every document decodes strictly into
// the k8s.io/api type of its kind, and the objects agree with the stage's compose file (probes, limits, the
// autoscaling policy). Usage: k8s-check --compose <docker-compose.yml> [--openapi <openapi.json>] <file or dir>...
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

func main() {
	composePath := flag.String("compose", "", "the stage's docker-compose.yml, whose values the manifests must match")
	openAPIPath := flag.String("openapi", "", "the API's OpenAPI document (GET /api/openapi.json): probe paths must be its routes")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "Usage: k8s-check --compose <docker-compose.yml> [--openapi <openapi.json>] <manifest file or directory>...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *composePath == "" || flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	failed, err := run(*composePath, *openAPIPath, flag.Args())
	if err != nil {
		fmt.Fprintf(os.Stderr, "k8s-check: %v\n", err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}

// run prints one line per document, `ok Kind/name`, or one `fail` line per reason; failed says whether any failed.
func run(composePath, openAPIPath string, targets []string) (failed bool, err error) {
	compose, err := loadCompose(composePath)
	if err != nil {
		return false, err
	}
	c := &checker{compose: compose, composePath: composePath}
	if openAPIPath != "" {
		if c.apiPaths, err = readAPIPaths(openAPIPath); err != nil {
			return false, err
		}
	}
	files, err := manifestFiles(targets)
	if err != nil {
		return false, err
	}
	for _, file := range files {
		content, err := os.ReadFile(file)
		if err != nil {
			return false, fmt.Errorf("cannot read %s: %w", file, err)
		}
		raws, err := splitDocuments(content)
		if err != nil {
			return false, fmt.Errorf("cannot split %s into YAML documents: %w", file, err)
		}
		for i, raw := range raws {
			c.documents = append(c.documents, decodeDocument(fmt.Sprintf("%s (document %d)", file, i+1), raw))
		}
	}
	if len(c.documents) == 0 {
		return false, fmt.Errorf("no YAML document in %s", strings.Join(targets, ", "))
	}
	failures := 0
	for _, doc := range c.documents {
		reasons := c.check(doc)
		if len(reasons) == 0 {
			fmt.Printf("ok %s\n", doc.label())
			continue
		}
		failures++
		for _, reason := range reasons {
			fmt.Printf("fail %s: %s\n", doc.label(), reason)
		}
	}
	if failures > 0 {
		fmt.Printf("k8s-check: %d of %d documents fail: fix what each line says and run it again.\n", failures, len(c.documents))
		return true, nil
	}
	fmt.Printf("k8s-check: all %d documents agree with %s.\n", len(c.documents), composePath)
	return false, nil
}

// manifestFiles expands each directory into its .yaml and .yml files, in name order (the order kubectl applies).
func manifestFiles(targets []string) ([]string, error) {
	var files []string
	for _, target := range targets {
		info, err := os.Stat(target)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", target, err)
		}
		if !info.IsDir() {
			files = append(files, target)
			continue
		}
		entries, err := os.ReadDir(target)
		if err != nil {
			return nil, fmt.Errorf("cannot list %s: %w", target, err)
		}
		var inDirectory []string
		for _, entry := range entries {
			extension := filepath.Ext(entry.Name())
			if !entry.IsDir() && (extension == ".yaml" || extension == ".yml") {
				inDirectory = append(inDirectory, filepath.Join(target, entry.Name()))
			}
		}
		slices.Sort(inDirectory)
		files = append(files, inDirectory...)
	}
	return files, nil
}
