import Foundation
import ParleyCore

/// The text stored as a job's `last_error` and logged: the safe message of errors that have one,
/// otherwise only the error's type, so a secret or visitor data inside an error's description
/// never reaches the database or the logs. Bounded to 500 characters.
enum JobErrorText {
    static func describe(_ error: any Error) -> String {
        let text: String
        switch error {
        case let failure as PermanentJobFailure: text = failure.reason
        case let error as ParleyError: text = error.message
        case let error as any ParleyErrorConvertible: text = error.parleyError.message
        case let error as any SafeErrorDescription: text = error.safeDescription
        default: text = String(describing: type(of: error))
        }
        return text.count > 500 ? String(text.prefix(500)) + "…" : text
    }
}
