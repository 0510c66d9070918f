// Column counts as types: a register tile generic over one is specialised once per count, so its
// loops over the columns unroll into straight code on named accumulators (`PointwiseTile`'s
// narrow columns, 0 to 4; `ChannelLanesTile`'s widths, 7 to 13).

/// A number of columns known when a kernel is specialised.
protocol ColumnCount { static var columns: Int { get } }

enum Zero: ColumnCount { static var columns: Int { 0 } }
enum One: ColumnCount { static var columns: Int { 1 } }
enum Two: ColumnCount { static var columns: Int { 2 } }
enum Three: ColumnCount { static var columns: Int { 3 } }
enum Four: ColumnCount { static var columns: Int { 4 } }
enum Seven: ColumnCount { static var columns: Int { 7 } }
enum Eight: ColumnCount { static var columns: Int { 8 } }
enum Nine: ColumnCount { static var columns: Int { 9 } }
enum Ten: ColumnCount { static var columns: Int { 10 } }
enum Eleven: ColumnCount { static var columns: Int { 11 } }
enum Twelve: ColumnCount { static var columns: Int { 12 } }
enum Thirteen: ColumnCount { static var columns: Int { 13 } }
