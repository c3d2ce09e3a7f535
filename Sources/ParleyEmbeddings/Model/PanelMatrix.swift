/// A dense layer's weight `B[n×k]` (PyTorch's `[out, in]` layout), repacked for `A · Bᵀ`: in
/// panels of `width` output columns, each panel `k` steps of `width` consecutive floats.
///
/// BLAS repacks its operand like this on every call, which costs as much as the arithmetic when
/// A is a single query's few dozen tokens. Packing once at load lets every call read the weights
/// in one sequential stream. The packed copy replaces the file's layout (whose mapped pages are
/// released after loading), so the weights are held once.
final class PanelMatrix: @unchecked Sendable {
    /// Output columns per panel: three 8-float vectors, the kernel's tile width.
    static let width = 24
    /// Output columns (rows of the original B).
    let columns: Int
    /// The reduction length (columns of the original B).
    let depth: Int
    /// `columns` rounded up to whole panels; the padding columns are zero.
    let panelCount: Int
    private let storage: UnsafeMutablePointer<Float>

    /// Packs the row-major `n×k` matrix at `b`.
    init(packing b: UnsafePointer<Float>, columns n: Int, depth k: Int) {
        columns = n
        depth = k
        panelCount = (n + Self.width - 1) / Self.width
        storage = .allocate(capacity: panelCount * Self.width * k)
        for panel in 0..<panelCount {
            let target = storage + panel * Self.width * k
            for column in 0..<Self.width {
                let j = panel * Self.width + column
                let row = b + j * k
                for p in 0..<k { target[p * Self.width + column] = j < n ? row[p] : 0 }
            }
        }
    }

    /// The panel holding output columns `index·width ..< (index+1)·width`.
    func panel(_ index: Int) -> UnsafePointer<Float> {
        UnsafePointer(storage + index * Self.width * depth)
    }

    deinit {
        storage.deallocate()
    }
}
