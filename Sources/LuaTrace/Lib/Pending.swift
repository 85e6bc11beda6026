// TEMPORARY: library openers not written yet. Each library's author deletes its line here
// when adding Lib/<Name>Lib.swift. This file must be empty (deleted) before the libraries issue
// is resolved.

extension VM {
}
