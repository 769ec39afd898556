package fake

// MaxJSONDepth is how deeply a JSON request body may nest objects and
// arrays; a deeper one is a 400 before anything decodes it. The vendor's
// bodies nest four levels at most.
const MaxJSONDepth = 64

// jsonDepth returns how deeply data nests objects and arrays, stopping as
// soon as it passes limit. It does not check that data is valid JSON.
func jsonDepth(data []byte, limit int) int {
	depth, max, inString, escaped := 0, 0, false, false
	for _, b := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case b == '\\':
				escaped = true
			case b == '"':
				inString = false
			}
		case b == '"':
			inString = true
		case b == '{' || b == '[':
			depth++
			if depth > max {
				max = depth
				if max > limit {
					return max
				}
			}
		case b == '}' || b == ']':
			depth--
		}
	}
	return max
}
