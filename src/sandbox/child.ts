// Sandbox child process. Replaced by the sandbox issue.
export {};
