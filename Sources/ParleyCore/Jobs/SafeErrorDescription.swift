/// An error whose description is safe to store and log (no secret, no visitor data): job
/// failures keep it as `last_error`. Errors without it are recorded by their type name only.
public protocol SafeErrorDescription: Error {
    var safeDescription: String { get }
}
