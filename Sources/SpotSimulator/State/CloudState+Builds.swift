extension CloudState {
    /// Moves time-driven state forward (Hyperstack VMs in BUILD become ACTIVE or ERROR once their
    /// build delay has passed). Called before every request.
    func advanceClock() {}
}
