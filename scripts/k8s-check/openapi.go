package main

import (
	"encoding/json"
	"fmt"
	"os"
)

// readAPIPaths lists the GET routes of the API's OpenAPI document (GET /api/openapi.json of a running app).
func readAPIPaths(path string) (map[string]bool, error) {
	content, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the OpenAPI document: %w", err)
	}
	var document struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(content, &document); err != nil || len(document.Paths) == 0 {
		return nil, fmt.Errorf("%s is not an OpenAPI document with paths: save GET /api/openapi.json of the app", path)
	}
	paths := map[string]bool{}
	for route, operations := range document.Paths {
		if _, ok := operations["get"]; ok {
			paths[route] = true
		}
	}
	return paths, nil
}
