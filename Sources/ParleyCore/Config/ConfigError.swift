import Foundation

/// A configuration problem, worded for the operator: it always names the key or variable.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { "configuration error: \(message)" }
}
