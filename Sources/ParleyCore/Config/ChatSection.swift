extension ParleyConfig {
    public struct ChatSection: Sendable, Codable, Equatable {
        public var inactivityMinutes = 30
        /// How many earlier messages go into the prompt.
        public var historyWindow = 12
        /// Longest visitor message accepted, in characters.
        public var maxMessageChars = 4000
        /// Largest request body accepted on the chat endpoint, in bytes.
        public var maxBodyBytes = 65_536
        /// Lifetime of a stream id between the POST and the GET.
        public var streamTTLSeconds = 60
        /// How long a chat request's tenant and agent lookups are reused. An edit made through
        /// this process is seen at once; one made by another process (the CLI, a second
        /// server) within this many seconds. 0 reads them for every request.
        public var directoryCacheSeconds = 1.0
        /// Whether a turn starts when the visitor's message is posted, before the visitor's
        /// stream request comes: the answer is ready to stream (and is stored) once that request
        /// redeems the stream id, and is dropped unstored if none does within the stream id's
        /// lifetime. A stream request served by another process than its POST runs its own turn
        /// (the model would be called twice), so `auto` prepares with SQLite (one process) and
        /// not with PostgreSQL (several processes may serve one visitor); `always` with
        /// PostgreSQL needs affinity between a visitor's requests.
        public var prepareAnswers = AnswerPreparation.auto
        public var input = InputSection()

        /// At most this many prepared answers wait in one process at once; a POST that finds no
        /// room leaves its answer to the stream request.
        public static let preparedTurnsPerProcess = 1024

        enum CodingKeys: String, CodingKey, CaseIterable {
            case input
            case inactivityMinutes = "inactivity_minutes", historyWindow = "history_window"
            case maxMessageChars = "max_message_chars", maxBodyBytes = "max_body_bytes"
            case streamTTLSeconds = "stream_ttl_seconds", directoryCacheSeconds = "directory_cache_seconds"
            case prepareAnswers = "prepare_answers"
        }
    }

    public enum AnswerPreparation: String, Sendable, Codable, Equatable, ConfigChoice {
        case auto, always, never

        /// Whether answers are prepared with this database.
        public func prepares(onPostgreSQL: Bool) -> Bool {
            switch self {
            case .auto: !onPostgreSQL
            case .always: true
            case .never: false
            }
        }
    }

    public struct InputSection: Sendable, Codable, Equatable {
        public var debounceMs = 250
        public var submitShortcut = "ctrl+enter"
        public var enterInsertsNewline = true

        enum CodingKeys: String, CodingKey, CaseIterable {
            case debounceMs = "debounce_ms", submitShortcut = "submit_shortcut"
            case enterInsertsNewline = "enter_inserts_newline"
        }
    }
}
