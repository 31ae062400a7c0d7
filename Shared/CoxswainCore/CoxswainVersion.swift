/// The version every Coxswain executable reports.
public enum CoxswainVersion {
    public static let current = "0.1.0"
}
