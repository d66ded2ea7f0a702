/* Calls into the host that C# cannot make directly (variadic functions); written in the next step. */
