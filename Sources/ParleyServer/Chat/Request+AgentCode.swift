import ParleyCore
import Vapor

extension Request {
    /// The `{agent}` of a `/a/{agent}/…` path, when it is a well-formed agent code; whether
    /// the tenant has that agent is the resolver's question.
    func agentCode() throws -> String {
        guard let code = parameters.get("agent"), ConfigLoader.isAgentCode(code) else {
            throw ParleyError.unknownAgent
        }
        return code
    }
}
