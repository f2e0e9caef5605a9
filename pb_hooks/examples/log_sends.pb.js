/// <reference path="../../pb_data/types.d.ts" />
// Example operator hook. Inactive here: copy it into pb_hooks/ to enable it (loaded at start,
// no rebuild needed). Every JS hook call costs CPU: this one made a send ~0.9 ms dearer
// (docs/PERFORMANCE.md), so keep hooks off hot collections unless they are needed.
// Teamfund's rules live in Go; JS hooks are for local additions such as notifications.
// This one logs every new send so an operator can forward it to another system.
// Delete or edit freely; files must end in .pb.js. Docs: https://pocketbase.io/docs/js-overview/
onRecordAfterCreateSuccess((e) => {
  e.app.logger().info("teamfund: new send",
    "send", e.record.id,
    "touch", e.record.get("touch_name"),
    "cost", e.record.get("cost"))
  e.next()
}, "sends")
