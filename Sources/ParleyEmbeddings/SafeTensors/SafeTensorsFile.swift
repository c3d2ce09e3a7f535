import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only, memory-mapped `.safetensors` file: an 8-byte little-endian header length,
/// a JSON header naming each tensor's dtype, shape and byte range, then the raw data.
/// F32 tensors are used in place; F16 and BF16 are widened to F32 on request.
/// Every size and offset is checked, so a truncated or corrupt file is an error, not a crash.
public final class SafeTensorsFile: @unchecked Sendable {
    public struct TensorInfo: Sendable, Equatable {
        public var dtype: String
        public var shape: [Int]
        public var range: Range<Int>
        public var elementCount: Int { shape.reduce(1, *) }
    }

    public let path: String
    public let tensors: [String: TensorInfo]
    private let base: UnsafeRawPointer
    private let length: Int
    private let dataStart: Int

    public init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw EmbeddingError.modelNotFound(path) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw EmbeddingError.invalidModel("cannot stat \(path)") }
        let length = Int(status.st_size)
        guard length >= 8 else { throw EmbeddingError.invalidModel("\(path) is too short to be a safetensors file") }
        guard let mapped = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
            throw EmbeddingError.invalidModel("cannot map \(path)")
        }
        let base = UnsafeRawPointer(mapped)
        do {
            let headerLength = Int(UInt64(littleEndian: base.loadUnaligned(as: UInt64.self)))
            guard headerLength > 0, headerLength <= 100_000_000, 8 + headerLength <= length else {
                throw EmbeddingError.invalidModel("\(path): header length \(headerLength) does not fit in \(length) bytes (truncated or not safetensors)")
            }
            let header = Data(bytes: base + 8, count: headerLength)
            tensors = try Self.parseHeader(header, dataLength: length - 8 - headerLength, path: path)
            dataStart = 8 + headerLength
        } catch {
            munmap(mapped, length)
            throw error
        }
        self.base = base
        self.length = length
    }

    /// Lets the kernel drop the mapped pages read so far: the mapping is private and never
    /// written, so any page used again is read back from the file's page cache. This keeps
    /// weights that were copied elsewhere (packed) from counting twice in the process's memory.
    public func releaseResidentPages() {
        _ = madvise(UnsafeMutableRawPointer(mutating: base), length, MADV_DONTNEED)
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: base), length)
    }

    static func parseHeader(_ data: Data, dataLength: Int, path: String) throws -> [String: TensorInfo] {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw EmbeddingError.invalidModel("\(path): header is not a JSON object")
        }
        var tensors: [String: TensorInfo] = [:]
        for (name, value) in object where name != "__metadata__" {
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int],
                  offsets.count == 2, shape.allSatisfy({ $0 >= 0 }) else {
                throw EmbeddingError.invalidModel("\(path): tensor \(name) has a malformed header entry")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= dataLength else {
                throw EmbeddingError.invalidModel("\(path): tensor \(name) lies outside the file (truncated?)")
            }
            let width: Int
            switch dtype {
            case "F32", "I32", "U32": width = 4
            case "F16", "BF16", "I16", "U16": width = 2
            case "F64", "I64", "U64": width = 8
            case "I8", "U8", "BOOL": width = 1
            default: throw EmbeddingError.invalidModel("\(path): tensor \(name) has unsupported dtype \(dtype)")
            }
            let count = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
            guard count * width == end - begin else {
                throw EmbeddingError.invalidModel("\(path): tensor \(name) has \(end - begin) bytes for shape \(shape) of \(dtype)")
            }
            tensors[name] = TensorInfo(dtype: dtype, shape: shape, range: begin..<end)
        }
        return tensors
    }

    /// An F32 tensor in place in the mapped file (no copy: only the pages used become resident),
    /// or a widened copy for other float types. The file stays mapped while the view lives.
    public func view(_ name: String, shape expected: [Int]) throws -> FloatTensor {
        guard let info = tensors[name] else {
            throw EmbeddingError.invalidModel("\(path): missing tensor \(name)")
        }
        guard info.shape == expected else {
            throw EmbeddingError.invalidModel("\(path): tensor \(name) has shape \(info.shape), expected \(expected)")
        }
        let offset = dataStart + info.range.lowerBound
        if info.dtype == "F32", offset % MemoryLayout<Float>.alignment == 0 {
            return FloatTensor(mapped: (base + offset).assumingMemoryBound(to: Float.self), count: info.elementCount, owner: self)
        }
        return FloatTensor(copying: try floats(name, shape: expected))
    }

    /// The tensor as F32 values, checked against the expected shape.
    public func floats(_ name: String, shape expected: [Int]) throws -> [Float] {
        guard let info = tensors[name] else {
            throw EmbeddingError.invalidModel("\(path): missing tensor \(name)")
        }
        guard info.shape == expected else {
            throw EmbeddingError.invalidModel("\(path): tensor \(name) has shape \(info.shape), expected \(expected)")
        }
        let pointer = base + dataStart + info.range.lowerBound
        let count = info.elementCount
        switch info.dtype {
        case "F32":
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(start: pointer, count: count * 4))
                initialized = count
            }
        case "F16":
            return (0..<count).map { Float(Float16(bitPattern: pointer.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self))) }
        case "BF16":
            return (0..<count).map { Float(bitPattern: UInt32(pointer.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)) << 16) }
        default:
            throw EmbeddingError.invalidModel("\(path): tensor \(name) is \(info.dtype), not a float tensor")
        }
    }
}
