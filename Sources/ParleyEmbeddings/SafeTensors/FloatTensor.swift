/// Read-only F32 weights: either a window of a memory-mapped file (kept alive by `owner`)
/// or an owned array.
public final class FloatTensor: @unchecked Sendable {
    public let pointer: UnsafePointer<Float>
    public let count: Int
    private let owner: AnyObject?
    private let storage: UnsafeMutablePointer<Float>?

    init(mapped pointer: UnsafePointer<Float>, count: Int, owner: AnyObject) {
        self.pointer = pointer
        self.count = count
        self.owner = owner
        self.storage = nil
    }

    public init(copying values: [Float]) {
        let storage = UnsafeMutablePointer<Float>.allocate(capacity: max(1, values.count))
        storage.initialize(from: values, count: values.count)
        self.storage = storage
        self.pointer = UnsafePointer(storage)
        self.count = values.count
        self.owner = nil
    }

    deinit {
        storage?.deallocate()
    }
}
