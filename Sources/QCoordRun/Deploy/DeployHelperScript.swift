/// The Python that `qcoord deploy` runs on a host as `PYTHON -c SCRIPT`, its request as JSON
/// on stdin and its answer as one JSON object on stdout: agents/deploy_helper.py (its tests
/// are agents/tests/test_deploy_helper.py), embedded at build time by Plugins/EmbedAgent so
/// the binary needs no resource files. The script is fixed text: nothing a user types
/// reaches the remote shell, only the JSON (paths relative to the login directory, a version
/// already checked to be digits and dots).
///
/// It must at least run on an old Python 3 so it can say the interpreter is too old
/// (no f-strings, no walrus).
enum DeployHelperScript {
    static let minimumPython = (3, 8)

    static var source: String { DeployHelperSource.text }
}
