// What a synthetic scene is made of: objects (the countable things and the stuff around them),
// each a list of labelled shapes painted in order (SceneRaster paints them).

/// One shape of a thing, with what fills it and what it is labelled.
struct LabelledShape {
    var shape: Shape
    var surface: Surface
    /// Part label id, 0 for none.
    var part: UInt32 = 0
    /// 1 for parts that tile the thing, 2 for parts lying on other parts.
    var partLevel: Int = 1
    /// Material label id, 0 for none.
    var material: UInt32 = 0
}

/// One thing in a scene: its object label (0 when not annotated as an object) and its pieces,
/// painted in order.
struct SceneObject {
    var object: UInt32
    var pieces: [LabelledShape]
}
