package scanner

// Note says why a structure is not ranked, or what its figures assume
// ("" when neither): the NOTE column of the text table, and the scan
// pane's detail line.
func Note(s *Structure) string { return noteOf(s) }
