// Package edxkey reads the Open edX keys the vendor's services name
// courses and programs by: a course key course-v1:ORG+COURSE+RUN, a
// program id program-v1:ORG+PROGRAM+RUN and its program key ORG+PROGRAM.
// The catalog, the credentials and the long tail read them one way.
package edxkey

import "strings"

// ProgramKey derives the program key ORG+PROGRAM from a program id
// program-v1:ORG+PROGRAM+RUN (or accepts a key as it is); ok is false for
// anything else.
func ProgramKey(id string) (key string, ok bool) {
	rest, _ := strings.CutPrefix(id, "program-v1:")
	parts := strings.Split(rest, "+")
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" || strings.ContainsAny(rest, " /") {
		return "", false
	}
	return parts[0] + "+" + parts[1], true
}

// Code is the part of a course or program key that names it within its
// org: course-v1:demo+DS101+2024 is DS101, demo+DSCERT is DSCERT. A key of
// another shape is its own code.
func Code(key string) string {
	if _, rest, ok := strings.Cut(key, ":"); ok {
		key = rest
	}
	if parts := strings.Split(key, "+"); len(parts) >= 2 {
		return parts[1]
	}
	return key
}
