// Opens the standard libraries into a fresh VM.

extension VM {
    func openLibraries() {
        openBase()
        openCoroutine()
        openPackage()
        openString()
        openTable()
        openMath()
        openIO()
        openOS()
        openUTF8()
        openDebug()
    }
}
