// Runs inside the isolate. Replaced by the sandbox issue.
export {};
