package hostile

func (
